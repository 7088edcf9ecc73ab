/**
 * Verification of RFC 9162 proofs: §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), and the
 * tree hash of a list of leaves.
 *
 * Tree sizes and leaf indices are plain numbers and may exceed 2^32, so the tree walks use
 * arithmetic (halving with Math.floor, parity with %) where the RFC speaks of bit shifts:
 * JavaScript's bitwise operators would silently truncate them to 32 bits.
 */
import { MerkleProofError } from './errors.js'
import { type HashSteps, runSteps, runStepsAsync } from './hash-steps.js'
import {
  type AsyncTreeHashes,
  largestPowerOfTwoBelow,
  requireHash,
  sameBytes,
  type TreeHashes,
} from './hashing.js'

/** The Merkle tree hash (RFC 6962 §2.1) of the tree whose leaves have these hashes. */
export function rootFromLeafHashes(hashes: TreeHashes, leafHashes: readonly Uint8Array[]): Uint8Array {
  leafHashes.forEach((hash, index) => {
    requireHash(hash, `leaf hash ${index}`)
  })
  return leafHashes.length === 0 ? hashes.emptyRoot : rangeRoot(hashes, leafHashes, 0, leafHashes.length)
}

function rangeRoot(
  hashes: TreeHashes,
  leafHashes: readonly Uint8Array[],
  start: number,
  end: number,
): Uint8Array {
  if (end - start === 1) return leafHashes[start]!
  const split = start + largestPowerOfTwoBelow(end - start)
  return hashes.nodeHash(
    rangeRoot(hashes, leafHashes, start, split),
    rangeRoot(hashes, leafHashes, split, end),
  )
}

export interface InclusionCheck {
  leafHash: Uint8Array
  leafIndex: number
  treeSize: number
  /** The sibling hashes from the leaf up to the root, as the log returns them. */
  proof: readonly Uint8Array[]
  rootHash: Uint8Array
}

/** Checks that the leaf is at `leafIndex` in the tree of `treeSize` with `rootHash`; throws MerkleProofError if not. */
export function verifyInclusion(hashes: TreeHashes, check: InclusionCheck): void {
  runSteps(inclusionSteps(check), hashes)
}

/** verifyInclusion with an asynchronous SHA-256; rejects with MerkleProofError if the leaf is not there. */
export function verifyInclusionAsync(hashes: AsyncTreeHashes, check: InclusionCheck): Promise<void> {
  return runStepsAsync(inclusionSteps(check), hashes)
}

/** RFC 9162 §2.1.3.2, yielding each node hash it needs. */
function* inclusionSteps(check: InclusionCheck): HashSteps {
  const { leafHash: leaf, leafIndex, treeSize, proof, rootHash } = check
  requireCount(leafIndex, 'the leaf index')
  requireCount(treeSize, 'the tree size')
  requireHash(leaf, 'the leaf hash')
  requireHash(rootHash, 'the root hash')
  requireProof(proof)
  if (leafIndex >= treeSize) {
    throw new MerkleProofError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`)
  }
  const sides = siblingSides(leafIndex, treeSize - 1)
  if (proof.length !== sides.length) {
    throw new MerkleProofError(
      `the proof has ${hashCount(proof.length)}, a tree of size ${treeSize} needs ${sides.length} for leaf ${leafIndex}`,
    )
  }
  let computed = leaf
  for (const [step, sibling] of proof.entries()) {
    computed = yield sides[step] === 'left' ? [sibling, computed] : [computed, sibling]
  }
  if (!sameBytes(computed, rootHash)) {
    throw new MerkleProofError(
      `the proof does not lead to the root hash: leaf ${leafIndex} with this hash is not in that tree of size ${treeSize}`,
    )
  }
}

export interface ConsistencyCheck {
  firstSize: number
  secondSize: number
  proof: readonly Uint8Array[]
  firstRoot: Uint8Array
  secondRoot: Uint8Array
}

/** Checks that the tree of `firstSize` is a prefix of the tree of `secondSize`; throws MerkleProofError if not. */
export function verifyConsistency(hashes: TreeHashes, check: ConsistencyCheck): void {
  runSteps(consistencySteps(check), hashes)
}

/** verifyConsistency with an asynchronous SHA-256; rejects with MerkleProofError if the proof fails. */
export function verifyConsistencyAsync(hashes: AsyncTreeHashes, check: ConsistencyCheck): Promise<void> {
  return runStepsAsync(consistencySteps(check), hashes)
}

/** RFC 9162 §2.1.4.2, yielding each hash it needs. */
function* consistencySteps(check: ConsistencyCheck): HashSteps {
  const { firstSize, secondSize, proof, firstRoot, secondRoot } = check
  requireCount(firstSize, 'the first tree size')
  requireCount(secondSize, 'the second tree size')
  requireHash(firstRoot, 'the first root hash')
  requireHash(secondRoot, 'the second root hash')
  requireProof(proof)
  if (firstSize > secondSize) {
    throw new MerkleProofError(
      `the first tree (size ${firstSize}) is larger than the second (size ${secondSize}): a log only grows`,
    )
  }
  if (firstSize === secondSize) {
    yield* sameSizeSteps(firstSize, proof, firstRoot, secondRoot)
    return
  }
  if (firstSize === 0) {
    throw new MerkleProofError(
      'there is no consistency proof from the empty tree: RFC 9162 defines them for 0 < first size < second size',
    )
  }

  // RFC 9162 §2.1.4.2 steps 2-4: a first tree that is a complete subtree is its own
  // first path element and the log leaves it out; otherwise the walk starts above the
  // right edge of the first tree's largest complete subtree.
  const firstRootIsImplied = isPowerOfTwo(firstSize)
  let firstNode = firstSize - 1
  let secondNode = secondSize - 1
  while (isOdd(firstNode)) {
    firstNode = half(firstNode)
    secondNode = half(secondNode)
  }
  const sides = siblingSides(firstNode, secondNode)
  const needed = sides.length + (firstRootIsImplied ? 0 : 1)
  if (proof.length !== needed) {
    throw new MerkleProofError(
      `the proof has ${hashCount(proof.length)}, a consistency proof from size ${firstSize} to size ${secondSize} needs ${needed}`,
    )
  }

  const path = firstRootIsImplied ? [firstRoot, ...proof] : proof
  let first = path[0]!
  let second = first
  for (const [step, side] of sides.entries()) {
    const sibling = path[step + 1]!
    if (side === 'left') {
      first = yield [sibling, first]
      second = yield [sibling, second]
    } else {
      second = yield [second, sibling]
    }
  }
  if (!sameBytes(first, firstRoot)) {
    throw new MerkleProofError(
      `the proof does not lead to the first root hash: it is not the root of the first ${firstSize} leaves of the tree of size ${secondSize}`,
    )
  }
  if (!sameBytes(second, secondRoot)) {
    throw new MerkleProofError(
      `the proof does not lead to the second root hash: the tree of size ${secondSize} does not extend the tree of size ${firstSize}`,
    )
  }
}

function* sameSizeSteps(
  size: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): HashSteps {
  if (proof.length !== 0) {
    throw new MerkleProofError(
      `the proof has ${hashCount(proof.length)}, trees of the same size (${size}) need an empty proof`,
    )
  }
  if (!sameBytes(firstRoot, secondRoot)) {
    throw new MerkleProofError(
      `the two root hashes differ for the same tree size ${size}: the log has forked`,
    )
  }
  if (size === 0 && !sameBytes(firstRoot, yield 'empty')) {
    throw new MerkleProofError('the root hash of the empty tree must be SHA-256 of no input')
  }
}

/** Like verifyInclusion, but answers false instead of throwing MerkleProofError. */
export function isValidInclusion(hashes: TreeHashes, check: InclusionCheck): boolean {
  return succeeds(() => verifyInclusion(hashes, check))
}

/** Like verifyConsistency, but answers false instead of throwing MerkleProofError. */
export function isValidConsistency(hashes: TreeHashes, check: ConsistencyCheck): boolean {
  return succeeds(() => verifyConsistency(hashes, check))
}

/** Like verifyInclusionAsync, but answers false instead of rejecting with MerkleProofError. */
export function isValidInclusionAsync(hashes: AsyncTreeHashes, check: InclusionCheck): Promise<boolean> {
  return succeedsAsync(() => verifyInclusionAsync(hashes, check))
}

/** Like verifyConsistencyAsync, but answers false instead of rejecting with MerkleProofError. */
export function isValidConsistencyAsync(hashes: AsyncTreeHashes, check: ConsistencyCheck): Promise<boolean> {
  return succeedsAsync(() => verifyConsistencyAsync(hashes, check))
}

async function succeedsAsync(verify: () => Promise<void>): Promise<boolean> {
  try {
    await verify()
    return true
  } catch (error) {
    if (error instanceof MerkleProofError) return false
    throw error
  }
}

function succeeds(verify: () => void): boolean {
  try {
    verify()
    return true
  } catch (error) {
    if (error instanceof MerkleProofError) return false
    throw error
  }
}

type Side = 'left' | 'right'

/**
 * Which side each remaining path hash joins on, walking up from node `node` in a tree
 * whose last node at the same level is `lastNode`: RFC 9162 §2.1.3.2 step 4 (and §2.1.4.2
 * step 6) with the hashing left out, so that a proof of the wrong length is named as such.
 */
function siblingSides(node: number, lastNode: number): Side[] {
  const sides: Side[] = []
  let index = node
  let last = lastNode
  while (last > 0) {
    if (isOdd(index) || index === last) {
      sides.push('left')
      while (!isOdd(index) && index !== 0) {
        index = half(index)
        last = half(last)
      }
    } else {
      sides.push('right')
    }
    index = half(index)
    last = half(last)
  }
  return sides
}

function isOdd(value: number): boolean {
  return value % 2 === 1
}

function half(value: number): number {
  return Math.floor(value / 2)
}

function isPowerOfTwo(value: number): boolean {
  let power = 1
  while (power < value) power *= 2
  return power === value
}

function hashCount(count: number): string {
  return count === 1 ? '1 hash' : `${count} hashes`
}

function requireCount(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MerkleProofError(`${what} must be a whole number from 0 to 2^53 - 1, got ${String(value)}`)
  }
}

function requireProof(proof: unknown): asserts proof is readonly Uint8Array[] {
  if (!Array.isArray(proof)) {
    throw new MerkleProofError('the proof must be a list of hashes')
  }
  proof.forEach((hash, position) => {
    requireHash(hash, `proof hash ${position}`)
  })
}
