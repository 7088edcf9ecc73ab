/**
 * RFC 6962 §2.1 hashing over an injected SHA-256, so that the same code runs in Node.js
 * (node:crypto) and in a browser (a synchronous SHA-256 such as @noble/hashes').
 */
import { MerkleProofError } from './errors.js'

/** Every hash in the log is a SHA-256 digest. */
export const HASH_LENGTH = 32

/** SHA-256 over the concatenation of `parts`. */
export type Sha256 = (...parts: Uint8Array[]) => Uint8Array

/** SHA-256 over the concatenation of `parts`, answered later: WebCrypto's `crypto.subtle.digest` is asynchronous. */
export type AsyncSha256 = (...parts: Uint8Array[]) => Promise<Uint8Array>

/** The three hashes of RFC 6962 §2.1, computed with one SHA-256. */
export interface TreeHashes {
  /** The root hash of the empty tree: SHA-256 of no input. */
  readonly emptyRoot: Uint8Array
  /** The hash of a log entry: SHA-256(0x00 ‖ data). */
  leafHash(data: Uint8Array): Uint8Array
  /** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right). */
  nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array
}

const LEAF_PREFIX = Uint8Array.of(0x00)
const NODE_PREFIX = Uint8Array.of(0x01)

export function treeHashes(sha256: Sha256): TreeHashes {
  return {
    emptyRoot: sha256(),
    leafHash: (data) => sha256(LEAF_PREFIX, data),
    nodeHash(left, right) {
      requireHash(left, 'the left child hash')
      requireHash(right, 'the right child hash')
      return sha256(NODE_PREFIX, left, right)
    },
  }
}

/** The same three hashes over an asynchronous SHA-256, for verifiers that have only WebCrypto. */
export interface AsyncTreeHashes {
  /** The root hash of the empty tree: SHA-256 of no input. */
  emptyRoot(): Promise<Uint8Array>
  /** The hash of a log entry: SHA-256(0x00 ‖ data). */
  leafHash(data: Uint8Array): Promise<Uint8Array>
  /** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right). */
  nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array>
}

export function asyncTreeHashes(sha256: AsyncSha256): AsyncTreeHashes {
  return {
    emptyRoot: () => sha256(),
    leafHash: (data) => sha256(LEAF_PREFIX, data),
    // Checked before hashing, so that a bad hash is refused with the same message as in the
    // synchronous form, as a rejection rather than a throw.
    async nodeHash(left, right) {
      requireHash(left, 'the left child hash')
      requireHash(right, 'the right child hash')
      return sha256(NODE_PREFIX, left, right)
    },
  }
}

export function requireHash(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new MerkleProofError(`${what} is not a byte array`)
  }
  if (value.length !== HASH_LENGTH) {
    throw new MerkleProofError(
      `${what} is ${value.length} bytes long, a SHA-256 hash is exactly ${HASH_LENGTH}`,
    )
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false
  return true
}

/** The k of RFC 6962 §2.1: the largest power of two smaller than `value` (which is at least 2). */
export function largestPowerOfTwoBelow(value: number): number {
  let power = 1
  while (power * 2 < value) power *= 2
  return power
}
