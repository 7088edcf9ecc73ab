import { createHash } from 'node:crypto'
import { createMerkle, type Sha256 } from '@hejie/merkle'

export const nodeSha256: Sha256 = (...parts) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

/** The log's RFC 6962 tree, hashed with Node.js's SHA-256. */
export const merkle = createMerkle(nodeSha256)
