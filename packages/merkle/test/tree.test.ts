import { createHash } from 'node:crypto'
import t from 'tap'
import { completedSubtrees, MerkleProofError, type SubtreeHashes } from '../src/index.js'
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  nodeHash,
  nodesCompletedBy,
  rootFromLeafHashes,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './helpers/node-merkle.js'

const LARGEST_SWEPT_SIZE = 64

/** The audit_nodes table in memory, filled the way the log fills it: one leaf at a time. */
class StoredSubtrees implements SubtreeHashes {
  readonly #hashes = new Map<string, Uint8Array>()

  async get(level: number, position: number): Promise<Uint8Array> {
    const hash = this.#hashes.get(`${level}:${position}`)
    if (!hash) throw new Error(`subtree (level ${level}, position ${position}) is not stored`)
    return hash
  }

  async append(leafIndex: number, hash: Uint8Array): Promise<void> {
    for (const node of await nodesCompletedBy(leafIndex, hash, this)) {
      this.#hashes.set(`${node.level}:${node.position}`, node.hash)
    }
  }

  get size(): number {
    return this.#hashes.size
  }
}

/** The stored subtrees as a log of `treeSize` leaves sees them: nothing past its last leaf. */
function asOfSize(nodes: SubtreeHashes, treeSize: number): SubtreeHashes {
  return {
    async get(level, position) {
      if ((position + 1) * 2 ** level > treeSize) {
        throw new Error(`subtree (level ${level}, position ${position}) reaches past leaf ${treeSize - 1}`)
      }
      return nodes.get(level, position)
    },
  }
}

async function logOf(leafCount: number): Promise<{ leaves: Uint8Array[]; nodes: StoredSubtrees }> {
  const leaves = Array.from({ length: leafCount }, (_, index) => leafHash(Buffer.from(`entry ${index}`)))
  const nodes = new StoredSubtrees()
  for (const [index, hash] of leaves.entries()) await nodes.append(index, hash)
  return { leaves, nodes }
}

function flipped(hash: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(hash)
  copy[0] = 255 - copy[0]!
  return copy
}

function rejects(verify: () => void): boolean {
  try {
    verify()
    return false
  } catch (error) {
    if (error instanceof MerkleProofError) return true
    throw error
  }
}

function sizes(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, offset) => from + offset)
}

t.test('appending a leaf completes one subtree per trailing 1 bit of its index', async (t) => {
  const cases = [
    { leafIndex: 0, completed: [[0, 0]] },
    {
      leafIndex: 1,
      completed: [
        [0, 1],
        [1, 0],
      ],
    },
    { leafIndex: 2, completed: [[0, 2]] },
    {
      leafIndex: 5,
      completed: [
        [0, 5],
        [1, 2],
      ],
    },
    {
      leafIndex: 7,
      completed: [
        [0, 7],
        [1, 3],
        [2, 1],
        [3, 0],
      ],
    },
    { leafIndex: 2 ** 32 - 1, completed: sizes(0, 32).map((level) => [level, 2 ** (32 - level) - 1]) },
    { leafIndex: 2 ** 32 + 2, completed: [[0, 2 ** 32 + 2]] },
  ]
  for (const { leafIndex, completed } of cases) {
    t.same(
      completedSubtrees(leafIndex).map(({ level, position }) => [level, position]),
      completed,
      `leaf ${leafIndex}`,
    )
  }
})

t.test('every stored subtree hash is the RFC 6962 hash of its leaves', async (t) => {
  const { leaves, nodes } = await logOf(LARGEST_SWEPT_SIZE)
  t.equal(nodes.size, 2 * LARGEST_SWEPT_SIZE - 1, 'a full tree of 64 leaves has 127 subtrees')
  const wrong: string[] = []
  for (let level = 0; 2 ** level <= LARGEST_SWEPT_SIZE; level += 1) {
    const width = 2 ** level
    for (let position = 0; (position + 1) * width <= LARGEST_SWEPT_SIZE; position += 1) {
      const expected = rootFromLeafHashes(leaves.slice(position * width, (position + 1) * width))
      if (!Buffer.from(await nodes.get(level, position)).equals(expected)) wrong.push(`${level}:${position}`)
    }
  }
  t.same(wrong, [])
})

t.test('the root hash of every size from 0 to 64 is the RFC 6962 tree hash', async (t) => {
  const { leaves, nodes } = await logOf(LARGEST_SWEPT_SIZE)
  t.same(await rootHash(0, nodes), EMPTY_ROOT, 'the empty tree')
  const wrong: number[] = []
  for (const treeSize of sizes(1, LARGEST_SWEPT_SIZE)) {
    const root = await rootHash(treeSize, asOfSize(nodes, treeSize))
    if (!Buffer.from(root).equals(rootFromLeafHashes(leaves.slice(0, treeSize)))) wrong.push(treeSize)
  }
  t.same(wrong, [], 'sizes whose root differs')
})

t.test(
  'every inclusion proof in trees of 1 to 64 leaves verifies, and fails for any other claim',
  async (t) => {
    // One leaf more than swept, so that claims about the next size come with its real root.
    const { leaves, nodes } = await logOf(LARGEST_SWEPT_SIZE + 1)
    const roots = sizes(0, LARGEST_SWEPT_SIZE + 1).map((size) => rootFromLeafHashes(leaves.slice(0, size)))
    const failures: string[] = []
    let checked = 0
    for (const treeSize of sizes(1, LARGEST_SWEPT_SIZE)) {
      for (const leafIndex of sizes(0, treeSize - 1)) {
        checked += 1
        const proof = await inclusionProof(leafIndex, treeSize, asOfSize(nodes, treeSize))
        const honest = {
          leafHash: leaves[leafIndex]!,
          leafIndex,
          treeSize,
          proof,
          rootHash: roots[treeSize]!,
        }
        const case_ = `leaf ${leafIndex} of ${treeSize}`
        if (rejects(() => verifyInclusion(honest))) failures.push(`${case_} does not verify`)
        if (!rejects(() => verifyInclusion({ ...honest, rootHash: flipped(honest.rootHash) }))) {
          failures.push(`${case_} verifies against a wrong root`)
        }
        const otherLeaf = leaves[leafIndex + 1] ?? leaves[0]!
        if (treeSize > 1 && !rejects(() => verifyInclusion({ ...honest, leafHash: otherLeaf }))) {
          failures.push(`${case_} verifies another leaf`)
        }
        for (const otherIndex of [leafIndex - 1, leafIndex + 1, leafIndex + 2, treeSize - 1 - leafIndex]) {
          if (otherIndex < 0 || otherIndex >= treeSize || otherIndex === leafIndex) continue
          if (!rejects(() => verifyInclusion({ ...honest, leafIndex: otherIndex }))) {
            failures.push(`${case_} verifies as leaf ${otherIndex}`)
          }
        }
        // A tree head of another size comes with that size's root.
        for (const otherSize of [treeSize - 1, treeSize + 1, treeSize * 2, Math.floor(treeSize / 2)]) {
          if (otherSize <= leafIndex || otherSize === treeSize || otherSize > LARGEST_SWEPT_SIZE + 1) continue
          const claim = { ...honest, treeSize: otherSize, rootHash: roots[otherSize]! }
          if (!rejects(() => verifyInclusion(claim)))
            failures.push(`${case_} verifies in a tree of ${otherSize}`)
        }
      }
    }
    t.equal(checked, (LARGEST_SWEPT_SIZE * (LARGEST_SWEPT_SIZE + 1)) / 2, 'every leaf of every size')
    t.same(failures, [])
  },
)

t.test(
  'every consistency proof between sizes 1 <= m <= n <= 64 verifies, and fails for any other claim',
  async (t) => {
    // One leaf more than swept, so that claims about the next size come with its real root.
    const { leaves, nodes } = await logOf(LARGEST_SWEPT_SIZE + 1)
    const roots = sizes(0, LARGEST_SWEPT_SIZE + 1).map((size) => rootFromLeafHashes(leaves.slice(0, size)))
    const failures: string[] = []
    let checked = 0
    for (const secondSize of sizes(1, LARGEST_SWEPT_SIZE)) {
      for (const firstSize of sizes(1, secondSize)) {
        checked += 1
        const proof = await consistencyProof(firstSize, secondSize, asOfSize(nodes, secondSize))
        const honest = {
          firstSize,
          secondSize,
          proof,
          firstRoot: roots[firstSize]!,
          secondRoot: roots[secondSize]!,
        }
        const case_ = `${firstSize} to ${secondSize}`
        if (rejects(() => verifyConsistency(honest))) failures.push(`${case_} does not verify`)
        const forgeries = {
          'a wrong first root': { ...honest, firstRoot: flipped(honest.firstRoot) },
          'a wrong second root': { ...honest, secondRoot: flipped(honest.secondRoot) },
          'swapped roots': { ...honest, firstRoot: honest.secondRoot, secondRoot: honest.firstRoot },
          'the first root of the next size': { ...honest, firstRoot: roots[firstSize + 1]! },
          'a shorter first tree': { ...honest, firstSize: firstSize - 1, firstRoot: roots[firstSize - 1]! },
          'a longer first tree': { ...honest, firstSize: firstSize + 1, firstRoot: roots[firstSize + 1]! },
          'a longer second tree': {
            ...honest,
            secondSize: secondSize + 1,
            secondRoot: roots[secondSize + 1]!,
          },
          'a shorter second tree': {
            ...honest,
            secondSize: secondSize - 1,
            secondRoot: roots[secondSize - 1]!,
          },
        }
        for (const [forgery, claim] of Object.entries(forgeries)) {
          if (forgery === 'swapped roots' && firstSize === secondSize) continue
          if (!rejects(() => verifyConsistency(claim))) failures.push(`${case_} verifies with ${forgery}`)
        }
      }
    }
    t.equal(checked, (LARGEST_SWEPT_SIZE * (LARGEST_SWEPT_SIZE + 1)) / 2, 'every pair of sizes')
    t.same(failures, [])
  },
)

t.test('positions outside the tree, and hashes that are not 32 bytes, are refused', async (t) => {
  const { nodes } = await logOf(8)
  const refusals: Array<{ why: string; call: () => Promise<unknown> }> = [
    { why: 'leaf index equal to the size', call: () => inclusionProof(8, 8, nodes) },
    { why: 'negative leaf index', call: () => inclusionProof(-1, 8, nodes) },
    { why: 'fractional tree size', call: () => inclusionProof(0, 7.5, nodes) },
    { why: 'unsafe tree size', call: () => rootHash(2 ** 53, nodes) },
    { why: 'consistency from the empty tree', call: () => consistencyProof(0, 8, nodes) },
    { why: 'consistency towards a smaller tree', call: () => consistencyProof(8, 7, nodes) },
    { why: 'a leaf hash of 31 bytes', call: () => nodesCompletedBy(8, new Uint8Array(31), nodes) },
    {
      why: 'a stored hash of 31 bytes',
      call: () => rootHash(1, { get: async () => new Uint8Array(31) }),
    },
  ]
  for (const { why, call } of refusals) await t.rejects(call, RangeError, why)
})

t.test('proofs of equal sizes are empty', async (t) => {
  const { nodes } = await logOf(8)
  for (const size of sizes(1, 8)) t.same(await consistencyProof(size, size, nodes), [], `size ${size}`)
})

/**
 * A stand-in for the nodes of a huge log: SHA-256 of "level:position" for every subtree,
 * except that the ancestors of one leaf are hashed from their children, which keeps the
 * tree consistent everywhere a proof about that leaf (or a tree ending at it) looks.
 */
function syntheticLog(pathLeaf: number) {
  const hashAt = (level: number, position: number): Uint8Array =>
    level > 0 && position === Math.floor(pathLeaf / 2 ** level)
      ? nodeHash(hashAt(level - 1, position * 2), hashAt(level - 1, position * 2 + 1))
      : createHash('sha256').update(`${level}:${position}`).digest()
  let reads = 0
  return {
    hashAt,
    asOfSize(treeSize: number): SubtreeHashes {
      const counted: SubtreeHashes = {
        async get(level, position) {
          reads += 1
          return hashAt(level, position)
        },
      }
      return asOfSize(counted, treeSize)
    },
    takeReads(): number {
      const taken = reads
      reads = 0
      return taken
    },
  }
}

/** Reads allowed for one root or proof: two per level of the tree. */
function readBudget(treeSize: number): number {
  return 2 * Math.ceil(Math.log2(treeSize)) + 2
}

t.test('inclusion proofs past 2^31 and 2^32 leaves verify, with O(log n) reads', async (t) => {
  const cases = [
    { treeSize: 2 ** 32 + 5, leafIndex: 2 ** 32 + 3 },
    { treeSize: 2 ** 32 + 5, leafIndex: 2 ** 32 + 4 },
    { treeSize: 2 ** 32 + 5, leafIndex: 2 ** 31 + 7 },
    { treeSize: 2 ** 32 + 5, leafIndex: 3 },
    { treeSize: 2 ** 31 + 1, leafIndex: 2 ** 31 },
    { treeSize: 2 ** 32, leafIndex: 2 ** 32 - 1 },
    { treeSize: Number.MAX_SAFE_INTEGER, leafIndex: Number.MAX_SAFE_INTEGER - 1 },
    { treeSize: Number.MAX_SAFE_INTEGER, leafIndex: 2 ** 52 + 2 ** 32 + 1 },
  ]
  for (const { treeSize, leafIndex } of cases) {
    const log = syntheticLog(leafIndex)
    const root = await rootHash(treeSize, log.asOfSize(treeSize))
    const rootReads = log.takeReads()
    const proof = await inclusionProof(leafIndex, treeSize, log.asOfSize(treeSize))
    const proofReads = log.takeReads()
    const claim = { leafHash: log.hashAt(0, leafIndex), leafIndex, treeSize, proof, rootHash: root }
    t.doesNotThrow(() => verifyInclusion(claim), `leaf ${leafIndex} of ${treeSize} verifies`)
    if (treeSize >= 2 ** 32) {
      t.throws(
        () => verifyInclusion({ ...claim, leafIndex: leafIndex % 2 ** 32, treeSize: treeSize % 2 ** 32 }),
        MerkleProofError,
        'and does not verify with the numbers cut to 32 bits',
      )
    }
    t.ok(rootReads <= readBudget(treeSize), `the root took ${rootReads} reads`)
    t.ok(proofReads <= readBudget(treeSize), `the proof took ${proofReads} reads`)
  }
})

t.test('consistency proofs past 2^31 and 2^32 leaves verify, with O(log n) reads', async (t) => {
  const cases = [
    { firstSize: 2 ** 31 + 1, secondSize: 2 ** 32 + 5 },
    { firstSize: 2 ** 32, secondSize: 2 ** 32 + 5 },
    { firstSize: 2 ** 32 + 3, secondSize: 2 ** 32 + 5 },
    { firstSize: 5, secondSize: 2 ** 32 + 5 },
    { firstSize: 2 ** 52 + 3, secondSize: Number.MAX_SAFE_INTEGER },
  ]
  for (const { firstSize, secondSize } of cases) {
    const log = syntheticLog(firstSize - 1)
    const firstRoot = await rootHash(firstSize, log.asOfSize(firstSize))
    const secondRoot = await rootHash(secondSize, log.asOfSize(secondSize))
    log.takeReads()
    const proof = await consistencyProof(firstSize, secondSize, log.asOfSize(secondSize))
    const proofReads = log.takeReads()
    const claim = { firstSize, secondSize, proof, firstRoot, secondRoot }
    t.doesNotThrow(() => verifyConsistency(claim), `${firstSize} to ${secondSize} verifies`)
    t.throws(
      () => verifyConsistency({ ...claim, firstSize: firstSize + 1 }),
      MerkleProofError,
      'and does not verify for another first size',
    )
    t.ok(proofReads <= readBudget(secondSize), `the proof took ${proofReads} reads`)
  }
})
