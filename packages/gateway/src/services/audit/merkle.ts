import { createHash } from 'node:crypto'
import { createMerkle } from '@hejie/merkle'

/** The log's RFC 6962 tree, hashed with Node.js's SHA-256. */
export const merkle = createMerkle((...parts) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
})
