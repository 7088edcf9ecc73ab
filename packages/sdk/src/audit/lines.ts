/**
 * NDJSON lines from a byte stream without holding more than one chunk and one line: the
 * stream is cut at 0x0A, which never occurs inside a multi-byte UTF-8 character, so a line
 * is decoded only once it is whole. Plain Uint8Array and TextDecoder, no Buffer: the
 * browser verifier (web-audit) reads bundles through this too.
 */
export interface Line {
  /** 1-based, as an editor numbers them. */
  number: number
  text: string
  /** Bytes read from the source so far, this line included. */
  bytesRead: number
}

const NEWLINE = 0x0a
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export async function* ndjsonLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Line> {
  let pending: Uint8Array | undefined
  let number = 0
  let bytesRead = 0
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
    let start = 0
    let end = bytes.indexOf(NEWLINE)
    if (end === -1) {
      pending = pending ? concat(pending, bytes) : new Uint8Array(bytes)
      continue
    }
    while (end !== -1) {
      const head = pending ? concat(pending, bytes.subarray(start, end)) : bytes.subarray(start, end)
      pending = undefined
      number += 1
      bytesRead += head.length + 1
      if (!isBlank(head)) yield { number, text: decoder.decode(head), bytesRead }
      start = end + 1
      end = bytes.indexOf(NEWLINE, start)
    }
    // Copied (a Buffer's slice would not copy), so that the source's chunk can be reused or collected.
    if (start < bytes.length) pending = new Uint8Array(bytes.subarray(start))
  }
  if (pending && !isBlank(pending)) {
    number += 1
    bytesRead += pending.length
    yield { number, text: decoder.decode(pending), bytesRead }
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length)
  joined.set(head)
  joined.set(tail, head.length)
  return joined
}

/** An empty line, or one of spaces, tabs and a carriage return (a bundle saved on Windows). */
function isBlank(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false
  return true
}
