/**
 * Root hashes and RFC 9162 proofs (§2.1.3.1 inclusion, §2.1.4.1 consistency), as the log
 * computes them, computed from the stored hashes of complete subtrees so that each costs O(log n)
 * reads whatever the size of the log.
 *
 * Every range the RFC's recursive definitions hash is either a complete subtree or a run
 * of complete subtrees of decreasing size along the right edge of the tree; the latter is
 * hashed by combining those subtrees from right to left, exactly as the recursion would.
 * Sizes and positions may exceed 2^32, so there is no bitwise arithmetic here.
 */
import { HASH_LENGTH, largestPowerOfTwoBelow, type TreeHashes } from './hashing.js'

/**
 * The stored hashes of complete subtrees: the subtree at (level, position) covers the
 * 2^level leaves starting at leaf position × 2^level, and level 0 holds the leaf hashes.
 */
export interface SubtreeHashes {
  get(level: number, position: number): Promise<Uint8Array>
  /** The same for several subtrees at once, in order: one read instead of one per subtree. */
  getMany?(subtrees: readonly Subtree[]): Promise<Uint8Array[]>
}

export interface Subtree {
  level: number
  position: number
}

export interface SubtreeHash extends Subtree {
  hash: Uint8Array
}

/** Leaves [start, end). */
interface LeafRange {
  start: number
  end: number
}

/** The root hash of the first `treeSize` leaves of the log. */
export async function rootHash(
  hashes: TreeHashes,
  treeSize: number,
  nodes: SubtreeHashes,
): Promise<Uint8Array> {
  requireCount(treeSize, 'the tree size')
  if (treeSize === 0) return hashes.emptyRoot
  const [root] = await hashRanges(hashes, [{ start: 0, end: treeSize }], nodes)
  return root!
}

/** The audit path of leaf `leafIndex` in the tree of `treeSize` leaves, from the leaf up. */
export async function inclusionProof(
  hashes: TreeHashes,
  leafIndex: number,
  treeSize: number,
  nodes: SubtreeHashes,
): Promise<Uint8Array[]> {
  requireCount(leafIndex, 'the leaf index')
  requireCount(treeSize, 'the tree size')
  if (leafIndex >= treeSize) {
    throw new RangeError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`)
  }
  return hashRanges(hashes, inclusionPath(leafIndex, treeSize), nodes)
}

/** The proof that the tree of `firstSize` leaves is a prefix of the tree of `secondSize`. */
export async function consistencyProof(
  hashes: TreeHashes,
  firstSize: number,
  secondSize: number,
  nodes: SubtreeHashes,
): Promise<Uint8Array[]> {
  requireCount(firstSize, 'the first tree size')
  requireCount(secondSize, 'the second tree size')
  if (firstSize === 0 || firstSize > secondSize) {
    throw new RangeError(
      `there is no consistency proof from size ${firstSize} to size ${secondSize}: it needs 0 < first size <= second size`,
    )
  }
  return hashRanges(hashes, consistencyPath(firstSize, secondSize), nodes)
}

/**
 * The subtrees that become complete when leaf `leafIndex` is appended, from the leaf itself
 * up: leaf i completes one more level for every trailing 1 bit of i.
 */
export function completedSubtrees(leafIndex: number): Subtree[] {
  requireCount(leafIndex, 'the leaf index')
  const completed: Subtree[] = [{ level: 0, position: leafIndex }]
  let position = leafIndex
  while (position % 2 === 1) {
    position = (position - 1) / 2
    completed.push({ level: completed.length, position })
  }
  return completed
}

/**
 * The hashes to store when leaf `leafIndex` with hash `leafHash` is appended. Each new
 * subtree's left half was completed by an earlier leaf, so the nodes of every earlier leaf
 * must already be readable from `nodes`.
 */
export async function nodesCompletedBy(
  hashes: TreeHashes,
  leafIndex: number,
  leafHash: Uint8Array,
  nodes: SubtreeHashes,
): Promise<SubtreeHash[]> {
  requireHash(leafHash, 'the leaf hash')
  const [leaf, ...parents] = completedSubtrees(leafIndex)
  const leftHalves = await readSubtrees(
    nodes,
    parents.map(({ level, position }) => ({ level: level - 1, position: position * 2 })),
  )
  const completed: SubtreeHash[] = [{ ...leaf!, hash: leafHash }]
  parents.forEach((parent, step) => {
    completed.push({ ...parent, hash: hashes.nodeHash(leftHalves[step]!, completed[step]!.hash) })
  })
  return completed
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]), as the ranges whose hashes make up the proof. */
function inclusionPath(leafIndex: number, treeSize: number): LeafRange[] {
  const rootDownward: LeafRange[] = []
  let start = 0
  let end = treeSize
  while (end - start > 1) {
    const split = start + largestPowerOfTwoBelow(end - start)
    if (leafIndex < split) {
      rootDownward.push({ start: split, end })
      end = split
    } else {
      rootDownward.push({ start, end: split })
      start = split
    }
  }
  return rootDownward.reverse()
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]), as the ranges whose hashes make up the proof. */
function consistencyPath(firstSize: number, secondSize: number): LeafRange[] {
  const rootDownward: LeafRange[] = []
  let start = 0
  let end = secondSize
  // The RFC's flag b: while the subtree is the whole first tree, the verifier already has
  // its hash (the first root), so it is left out of the proof.
  let isWholeFirstTree = true
  while (firstSize < end) {
    const split = start + largestPowerOfTwoBelow(end - start)
    if (firstSize <= split) {
      rootDownward.push({ start: split, end })
      end = split
    } else {
      rootDownward.push({ start, end: split })
      start = split
      isWholeFirstTree = false
    }
  }
  if (!isWholeFirstTree) rootDownward.push({ start, end })
  return rootDownward.reverse()
}

/** The hashes of the ranges, reading all the subtrees they need at once. */
async function hashRanges(
  hashes: TreeHashes,
  ranges: readonly LeafRange[],
  nodes: SubtreeHashes,
): Promise<Uint8Array[]> {
  const tilings = ranges.map(completeSubtreesOf)
  const tiles = await readSubtrees(nodes, tilings.flat())
  let next = 0
  return tilings.map((tiling) => {
    const tileHashes = tiles.slice(next, next + tiling.length)
    next += tiling.length
    return tileHashes.reduceRight((right, left) => hashes.nodeHash(left, right))
  })
}

/** The stored hashes of `subtrees`, in order, in one read where the store allows it. */
async function readSubtrees(nodes: SubtreeHashes, subtrees: readonly Subtree[]): Promise<Uint8Array[]> {
  const hashes = nodes.getMany
    ? await nodes.getMany(subtrees)
    : await Promise.all(subtrees.map(({ level, position }) => nodes.get(level, position)))
  hashes.forEach((hash, i) => {
    const { level, position } = subtrees[i] as Subtree
    requireHash(hash, `the stored hash of subtree (level ${level}, position ${position})`)
  })
  return hashes
}

/**
 * The complete subtrees that make up a range of the RFC's recursion, largest first. The
 * range starts at a multiple of a power of two at least its length, so each piece is aligned.
 */
function completeSubtreesOf({ start, end }: LeafRange): Subtree[] {
  const subtrees: Subtree[] = []
  let cursor = start
  while (cursor < end) {
    let level = 0
    let width = 1
    while (width * 2 <= end - cursor) {
      width *= 2
      level += 1
    }
    subtrees.push({ level, position: cursor / width })
    cursor += width
  }
  return subtrees
}

function requireHash(hash: Uint8Array, what: string): void {
  if (hash.length !== HASH_LENGTH) {
    throw new RangeError(`${what} is ${hash.length} bytes long, a SHA-256 hash is exactly ${HASH_LENGTH}`)
  }
}

function requireCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a whole number from 0 to 2^53 - 1, got ${value}`)
  }
}
