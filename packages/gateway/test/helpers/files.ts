import { randomBytes } from 'node:crypto'

/** Bytes that start as a real file of each kind would (the rest is random). */
export function fakeFile(kind: 'pdf' | 'png' | 'amr' | 'text', size: number): Buffer {
  const heads = {
    pdf: Buffer.from('%PDF-1.7\n'),
    png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    amr: Buffer.from('#!AMR\n'),
    text: Buffer.from('just some text, not evidence\n'),
  }
  const head = heads[kind]
  return Buffer.concat([head, randomBytes(Math.max(0, size - head.length))])
}

/** A multipart/form-data body: the fields, then the file, as the SDK sends it. */
export function multipartUpload(
  fields: Record<string, string>,
  file: { content: Buffer; filename?: string; type?: string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----hejie${randomBytes(8).toString('hex')}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    )
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.filename ?? 'evidence.bin'}"\r\ncontent-type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
    file.content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  )
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }
}
