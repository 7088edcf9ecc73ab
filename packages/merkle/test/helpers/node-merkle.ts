import { createHash } from 'node:crypto'
import { createMerkle } from '../../src/index.js'

/** The package bound to Node.js's SHA-256, as the gateway and the SDK bind it. */
export const merkle = createMerkle((...parts) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return Uint8Array.from(hash.digest())
})

export const EMPTY_ROOT = merkle.emptyRoot
export const {
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyInclusion,
  verifyConsistency,
  isValidInclusion,
  isValidConsistency,
  rootHash,
  inclusionProof,
  consistencyProof,
  nodesCompletedBy,
} = merkle
