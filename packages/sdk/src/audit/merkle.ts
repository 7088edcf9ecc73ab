/**
 * The audit log's Merkle tree (`@hejie/merkle`) bound to Node.js's SHA-256: RFC 6962
 * hashing and RFC 9162 proof verification as the SDK exports them.
 */
import { createHash } from 'node:crypto'
import { createMerkle, type Sha256 } from '@hejie/merkle'

export {
  type ConsistencyCheck,
  HASH_LENGTH,
  type InclusionCheck,
  type InclusionWalk,
  MerkleProofError,
} from '@hejie/merkle'

/** Node.js's SHA-256 in the shape `@hejie/merkle` takes it. */
export const sha256: Sha256 = (...parts) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  const digest = hash.digest()
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length)
}

export const merkle = createMerkle(sha256)

/** The root hash of the empty tree: SHA-256 of no input. */
export const EMPTY_ROOT: Uint8Array = merkle.emptyRoot
export const {
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyInclusion,
  verifyConsistency,
  isValidInclusion,
  isValidConsistency,
} = merkle

/** Decodes base64 with Buffer: faster than the package's portable decoder. */
export const decodeBase64 = (text: string): Uint8Array => Buffer.from(text, 'base64')
