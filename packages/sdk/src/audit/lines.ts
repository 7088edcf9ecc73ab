/**
 * NDJSON lines from a byte stream without holding more than one chunk and one line: the
 * stream is cut at 0x0A, which never occurs inside a multi-byte UTF-8 character, so a line
 * is decoded only once it is whole.
 */
export interface Line {
  /** 1-based, as an editor numbers them. */
  number: number
  text: string
  /** Bytes read from the source so far, this line included. */
  bytesRead: number
}

const NEWLINE = 0x0a

export async function* ndjsonLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Line> {
  let pending: Buffer | undefined
  let number = 0
  let bytesRead = 0
  for await (const chunk of chunks) {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    let start = 0
    let end = bytes.indexOf(NEWLINE)
    if (end === -1) {
      pending = pending ? Buffer.concat([pending, bytes]) : Buffer.from(bytes)
      continue
    }
    while (end !== -1) {
      const head = pending ? Buffer.concat([pending, bytes.subarray(start, end)]) : bytes.subarray(start, end)
      pending = undefined
      number += 1
      bytesRead += head.length + 1
      if (!isBlank(head)) yield { number, text: head.toString('utf8'), bytesRead }
      start = end + 1
      end = bytes.indexOf(NEWLINE, start)
    }
    // Copied, so that the source's chunk can be reused or collected.
    if (start < bytes.length) pending = Buffer.from(bytes.subarray(start))
  }
  if (pending && !isBlank(pending)) {
    number += 1
    bytesRead += pending.length
    yield { number, text: pending.toString('utf8'), bytesRead }
  }
}

/** An empty line, or one of spaces, tabs and a carriage return (a bundle saved on Windows). */
function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false
  return true
}
