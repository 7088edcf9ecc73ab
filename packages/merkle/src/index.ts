/**
 * `@hejie/merkle`: the RFC 6962 / RFC 9162 Merkle tree of Hejie's audit log, for the log
 * that appends and proves (the gateway) and for everyone who verifies (the SDK, the CLI,
 * the console in a browser). It has no dependencies and no Node.js imports: SHA-256 is
 * given to `createMerkle`, which binds every function to it, or, when it is asynchronous
 * (WebCrypto), to `createAsyncMerkle`, which binds the hashes and the verifiers.
 */
import {
  type AsyncSha256,
  type AsyncTreeHashes,
  asyncTreeHashes,
  type Sha256,
  type TreeHashes,
  treeHashes,
} from './hashing.js'
import { type Base64Decoder, InclusionWalk, rootOfPrefix } from './inclusion-walk.js'
import { consistencyProof, inclusionProof, nodesCompletedBy, rootHash, type SubtreeHashes } from './tree.js'
import {
  type ConsistencyCheck,
  type InclusionCheck,
  isValidConsistency,
  isValidConsistencyAsync,
  isValidInclusion,
  isValidInclusionAsync,
  rootFromLeafHashes,
  verifyConsistency,
  verifyConsistencyAsync,
  verifyInclusion,
  verifyInclusionAsync,
} from './verify.js'

export { fromBase64, toBase64 } from './base64.js'
export { MerkleProofError } from './errors.js'
export {
  type AsyncSha256,
  type AsyncTreeHashes,
  HASH_LENGTH,
  type Sha256,
  type TreeHashes,
} from './hashing.js'
export type { Base64Decoder, InclusionWalk } from './inclusion-walk.js'
export {
  type CheckpointText,
  COSIGNATURE_V1,
  cosignedMessage,
  ED25519,
  formatCheckpointText,
  formatSignatureLine,
  formatVerifierKey,
  NoteError,
  type NoteSignature,
  noteKeyId,
  parseCheckpointText,
  parseSignedNote,
  parseTimestampedSignature,
  parseVerifierKey,
  type SignedNote,
  timestampedSignature,
  type VerifierKey,
} from './note.js'
export { completedSubtrees, type Subtree, type SubtreeHash, type SubtreeHashes } from './tree.js'
export type { ConsistencyCheck, InclusionCheck } from './verify.js'

/** The tree's hashing, proofs and verification, all with one SHA-256. */
export interface Merkle extends TreeHashes {
  /** The Merkle tree hash (RFC 6962 §2.1) of the tree whose leaves have these hashes. */
  rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array
  /** Checks that the leaf is at `leafIndex` in the tree of `treeSize` with `rootHash`; throws MerkleProofError if not. */
  verifyInclusion(check: InclusionCheck): void
  /** Checks that the tree of `firstSize` is a prefix of the tree of `secondSize`; throws MerkleProofError if not. */
  verifyConsistency(check: ConsistencyCheck): void
  /** Like verifyInclusion, but answers false instead of throwing MerkleProofError. */
  isValidInclusion(check: InclusionCheck): boolean
  /** Like verifyConsistency, but answers false instead of throwing MerkleProofError. */
  isValidConsistency(check: ConsistencyCheck): boolean
  /** Verifies the inclusion proofs of many entries of one tree, sharing the work of neighbours. */
  inclusionWalk(treeSize: number, root: Uint8Array, decode?: Base64Decoder): InclusionWalk
  /** The root of the first `leafIndex + 1` leaves, from a verified inclusion proof of that leaf in a larger tree. */
  rootOfPrefix(
    leafIndex: number,
    treeSize: number,
    leafHash: Uint8Array,
    proof: readonly Uint8Array[],
  ): Uint8Array
  /** The root hash of the first `treeSize` leaves of a log whose complete subtrees are stored. */
  rootHash(treeSize: number, nodes: SubtreeHashes): Promise<Uint8Array>
  /** The audit path of leaf `leafIndex` in the tree of `treeSize` leaves, from the leaf up. */
  inclusionProof(leafIndex: number, treeSize: number, nodes: SubtreeHashes): Promise<Uint8Array[]>
  /** The proof that the tree of `firstSize` leaves is a prefix of the tree of `secondSize`. */
  consistencyProof(firstSize: number, secondSize: number, nodes: SubtreeHashes): Promise<Uint8Array[]>
  /** The subtree hashes to store when leaf `leafIndex` with hash `leafHash` is appended. */
  nodesCompletedBy(
    leafIndex: number,
    leafHash: Uint8Array,
    nodes: SubtreeHashes,
  ): ReturnType<typeof nodesCompletedBy>
}

export function createMerkle(sha256: Sha256): Merkle {
  const hashes = treeHashes(sha256)
  return {
    ...hashes,
    rootFromLeafHashes: (leafHashes) => rootFromLeafHashes(hashes, leafHashes),
    verifyInclusion: (check) => verifyInclusion(hashes, check),
    verifyConsistency: (check) => verifyConsistency(hashes, check),
    isValidInclusion: (check) => isValidInclusion(hashes, check),
    isValidConsistency: (check) => isValidConsistency(hashes, check),
    inclusionWalk: (treeSize, root, decode) => new InclusionWalk(hashes, treeSize, root, decode),
    rootOfPrefix: (leafIndex, treeSize, leafHash, proof) =>
      rootOfPrefix(hashes, leafIndex, treeSize, leafHash, proof),
    rootHash: (treeSize, nodes) => rootHash(hashes, treeSize, nodes),
    inclusionProof: (leafIndex, treeSize, nodes) => inclusionProof(hashes, leafIndex, treeSize, nodes),
    consistencyProof: (firstSize, secondSize, nodes) =>
      consistencyProof(hashes, firstSize, secondSize, nodes),
    nodesCompletedBy: (leafIndex, leafHash, nodes) => nodesCompletedBy(hashes, leafIndex, leafHash, nodes),
  }
}

/**
 * Hashing and proof verification with an asynchronous SHA-256, such as WebCrypto's in a
 * browser. The walks are the ones of `createMerkle` (see hash-steps.ts): same checks, same
 * messages, with a promise where the synchronous form returns or throws.
 */
export interface AsyncMerkle extends AsyncTreeHashes {
  /** Checks that the leaf is at `leafIndex` in the tree of `treeSize` with `rootHash`; rejects with MerkleProofError if not. */
  verifyInclusion(check: InclusionCheck): Promise<void>
  /** Checks that the tree of `firstSize` is a prefix of the tree of `secondSize`; rejects with MerkleProofError if not. */
  verifyConsistency(check: ConsistencyCheck): Promise<void>
  /** Like verifyInclusion, but answers false instead of rejecting with MerkleProofError. */
  isValidInclusion(check: InclusionCheck): Promise<boolean>
  /** Like verifyConsistency, but answers false instead of rejecting with MerkleProofError. */
  isValidConsistency(check: ConsistencyCheck): Promise<boolean>
}

export function createAsyncMerkle(sha256: AsyncSha256): AsyncMerkle {
  const hashes = asyncTreeHashes(sha256)
  return {
    ...hashes,
    verifyInclusion: (check) => verifyInclusionAsync(hashes, check),
    verifyConsistency: (check) => verifyConsistencyAsync(hashes, check),
    isValidInclusion: (check) => isValidInclusionAsync(hashes, check),
    isValidConsistency: (check) => isValidConsistencyAsync(hashes, check),
  }
}
