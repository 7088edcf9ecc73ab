/**
 * WebCrypto as the browser verifier uses it: SHA-256 for the Merkle tree and base64 of both
 * kinds. Only `globalThis.crypto.subtle`, which browsers and Node.js both have, so nothing
 * here pulls in Node.js built-ins or a JOSE library.
 */
import { type AsyncSha256, createAsyncMerkle, fromBase64 } from '@hejie/merkle'

/** Named by the global's type: the SDK compiles without the DOM library. */
type Subtle = typeof globalThis.crypto.subtle

export function subtle(): Subtle {
  const found = globalThis.crypto?.subtle
  // WebCrypto exists only in secure contexts (https, localhost): said plainly rather than as a TypeError.
  if (!found)
    throw new Error('WebCrypto (crypto.subtle) is not available here: it needs a secure context (https)')
  return found
}

export const webSha256: AsyncSha256 = async (...parts) => {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0))
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.length
  }
  return new Uint8Array(await subtle().digest('SHA-256', joined))
}

/** The audit log's tree, hashed with WebCrypto. */
export const webMerkle = createAsyncMerkle(webSha256)

/** Standard base64, or undefined when the text is not that. */
export function decodeBase64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined
  try {
    return fromBase64(text)
  } catch {
    return undefined
  }
}

/** Unpadded base64url (RFC 7515 §2), as a compact JWS's parts are; undefined when not that. */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined
  const standard = text.replaceAll('-', '+').replaceAll('_', '/')
  return decodeBase64(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='))
}
