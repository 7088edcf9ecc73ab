import { type AsyncSha256, createAsyncMerkle } from '../../src/index.js'

/** WebCrypto's SHA-256, as a browser has it (Node.js has the same `crypto.subtle`). */
export const webSha256: AsyncSha256 = async (...parts) => {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0))
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.length
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', joined))
}

/** The package bound to it. */
export const webMerkle = createAsyncMerkle(webSha256)
