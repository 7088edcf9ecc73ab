import { createHash } from 'node:crypto'
import { createMerkle } from '../../src/index.js'

/** Node.js's SHA-256, as the gateway and the SDK give it to the package. */
export const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return Uint8Array.from(hash.digest())
}

/** The package bound to it. */
export const merkle = createMerkle(sha256)

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
