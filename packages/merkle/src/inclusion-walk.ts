/**
 * Inclusion proofs of many entries of one tree, verified one by one with few hashes.
 *
 * Each proof is checked exactly as RFC 9162 §2.1.3.2 says, from the entry's own leaf hash up
 * to the root, so a verdict is about that entry alone. What makes it cheap is that
 * neighbouring entries share most of their path: once a proof has led to the root, the
 * node hashes it passed through are remembered, and a later proof that reaches one of those
 * nodes with the same hash and continues with the same sibling hashes must end where the
 * remembered one ended, at the root. Entries in order then cost about two node hashes each
 * instead of log2(size).
 */
import { fromBase64 } from './base64.js'
import { HASH_LENGTH, sameBytes, type TreeHashes } from './hashing.js'

/** Decodes a base64 proof hash (Node.js passes its faster native decoder; browsers get `atob`'s). */
export type Base64Decoder = (text: string) => Uint8Array

export const decodeBase64: Base64Decoder = fromBase64

/** A node passed on the way to the root: which one, its hash, and how many proof hashes were still to come. */
interface Passed {
  position: number
  hash: Uint8Array
  remaining: number
}

export class InclusionWalk {
  readonly #hashes: TreeHashes
  readonly #decode: Base64Decoder
  readonly #treeSize: number
  readonly #root: Uint8Array
  /** By level, the nodes the last proof that verified passed through. */
  #passed: (Passed | undefined)[] = []
  #passedProof: readonly string[] = []

  constructor(hashes: TreeHashes, treeSize: number, root: Uint8Array, decode: Base64Decoder = decodeBase64) {
    this.#hashes = hashes
    this.#decode = decode
    this.#treeSize = treeSize
    this.#root = root
  }

  /**
   * Checks that `leafHash` is leaf `leafIndex` of the tree: undefined when the proof (sibling
   * hashes in base64, from the leaf up) leads to the root, else what is wrong with it.
   */
  verify(leafIndex: number, leafHash: Uint8Array, proof: readonly string[]): string | undefined {
    if (leafIndex >= this.#treeSize) return `leaf ${leafIndex} is not in a tree of size ${this.#treeSize}`
    const passed: (Passed | undefined)[] = []
    let node = leafIndex
    let last = this.#treeSize - 1
    let level = 0
    let hash = leafHash
    for (let step = 0; step < proof.length; step += 1) {
      if (last === 0) return `the proof has ${proof.length} hashes, more than the path to the root`
      const known = this.#passed[level]
      if (
        known !== undefined &&
        known.position === node &&
        proof.length - step === known.remaining &&
        sameBytes(known.hash, hash) &&
        sameTail(proof, step, this.#passedProof)
      ) {
        // Its own nodes below this one; the remembered ones from here up.
        for (let below = 0; below < level; below += 1) this.#passed[below] = passed[below]
        this.#passedProof = proof
        return undefined
      }
      const sibling = this.#decodeHash(proof[step] ?? '')
      if (sibling?.length !== HASH_LENGTH) return `proof hash ${step} is not a base64 SHA-256 hash`
      if (node % 2 === 1 || node === last) {
        hash = this.#hashes.nodeHash(sibling, hash)
        // The last node of a level with no sibling rises unchanged until it has one.
        while (node % 2 === 0 && node !== 0) {
          node /= 2
          last = Math.floor(last / 2)
          level += 1
        }
      } else {
        hash = this.#hashes.nodeHash(hash, sibling)
      }
      node = Math.floor(node / 2)
      last = Math.floor(last / 2)
      level += 1
      passed[level] = { position: node, hash, remaining: proof.length - step - 1 }
    }
    if (last !== 0) return `the proof has ${proof.length} hashes, too few to reach the root`
    if (!sameBytes(hash, this.#root)) return 'the proof does not lead to the checkpoint root'
    this.#passed = passed
    this.#passedProof = proof
    return undefined
  }

  /** The hash, or undefined when the text is not base64 at all. */
  #decodeHash(text: string): Uint8Array | undefined {
    try {
      return this.#decode(text)
    } catch {
      return undefined
    }
  }
}

/** Whether the last hashes of `a`, from `from` on, are the last hashes of `b`. */
function sameTail(a: readonly string[], from: number, b: readonly string[]): boolean {
  const shift = b.length - a.length
  for (let step = from; step < a.length; step += 1) {
    if (a[step] !== b[step + shift]) return false
  }
  return true
}

/**
 * The root of the first `leafIndex + 1` leaves, from the verified inclusion proof of leaf
 * `leafIndex` in any larger tree: the left siblings on its path are the complete subtrees
 * left of it, the same in every tree that contains it, and in the tree where it is the last
 * leaf they are its whole path.
 */
export function rootOfPrefix(
  hashes: TreeHashes,
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  let node = leafIndex
  let last = treeSize - 1
  let hash = leafHash
  for (const sibling of proof) {
    if (node % 2 === 1 || node === last) {
      hash = hashes.nodeHash(sibling, hash)
      while (node % 2 === 0 && node !== 0) {
        node /= 2
        last = Math.floor(last / 2)
      }
    }
    node = Math.floor(node / 2)
    last = Math.floor(last / 2)
  }
  return hash
}
