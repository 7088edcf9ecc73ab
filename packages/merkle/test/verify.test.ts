import t from 'tap'
import { MerkleProofError } from '../src/index.js'
import {
  EMPTY_ROOT,
  isValidConsistency,
  isValidInclusion,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './helpers/node-merkle.js'
import { webMerkle } from './helpers/web-merkle.js'

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

/** The eight-entry tree of the RFC 6962 reference tests, and its root at every size. */
const referenceLeaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((data) => leafHash(Buffer.from(data, 'hex')))

const referenceRoots = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]

const rootOf = (size: number) => rootFromLeafHashes(referenceLeaves.slice(0, size))

/** Leaf 5 of the reference tree of 8, as RFC 9162 §2.1.3.1 builds its proof. */
const leafFiveOfEight = {
  leafHash: referenceLeaves[5]!,
  leafIndex: 5,
  treeSize: 8,
  proof: [
    referenceLeaves[4]!,
    rootFromLeafHashes(referenceLeaves.slice(6, 8)),
    rootFromLeafHashes(referenceLeaves.slice(0, 4)),
  ],
  rootHash: rootOf(8),
}

/** From the reference tree of 6 to the one of 8, as RFC 9162 §2.1.4.1 builds the proof. */
const sixToEight = {
  firstSize: 6,
  secondSize: 8,
  proof: [
    rootFromLeafHashes(referenceLeaves.slice(4, 6)),
    rootFromLeafHashes(referenceLeaves.slice(6, 8)),
    rootFromLeafHashes(referenceLeaves.slice(0, 4)),
  ],
  firstRoot: rootOf(6),
  secondRoot: rootOf(8),
}

const someHash = new Uint8Array(32).fill(0xab)

t.test('hashes are SHA-256 with the RFC 6962 domain separation', async (t) => {
  t.equal(hex(EMPTY_ROOT), referenceRoots[0], 'the empty root is SHA-256 of no input')
  t.equal(hex(leafHash(new Uint8Array())), referenceRoots[1], 'a leaf is prefixed with 0x00')
  t.equal(hex(nodeHash(referenceLeaves[0]!, referenceLeaves[1]!)), referenceRoots[2], 'a node with 0x01')
})

t.test('the root of the reference tree is right at every size from 0 to 8', async (t) => {
  for (const [size, root] of referenceRoots.entries()) t.equal(hex(rootOf(size)), root, `size ${size}`)
})

t.test('a hash that is not 32 bytes is refused wherever it appears', async (t) => {
  const short = new Uint8Array(31)
  const cases = [
    { why: 'left child', call: () => nodeHash(short, someHash), message: /left child hash is 31 bytes/ },
    {
      why: 'right child',
      call: () => nodeHash(someHash, new Uint8Array(33)),
      message: /right child hash is 33/,
    },
    {
      why: 'leaf of a tree',
      call: () => rootFromLeafHashes([someHash, someHash, short]),
      message: /^leaf hash 2 is 31 bytes long, a SHA-256 hash is exactly 32$/,
    },
    {
      why: 'leaf of an inclusion proof',
      call: () => verifyInclusion({ ...leafFiveOfEight, leafHash: short }),
      message: /the leaf hash is 31 bytes/,
    },
    {
      why: 'inclusion proof hash',
      call: () => verifyInclusion({ ...leafFiveOfEight, proof: [someHash, short, someHash] }),
      message: /proof hash 1 is 31 bytes/,
    },
    {
      why: 'root given as text',
      call: () => verifyInclusion({ ...leafFiveOfEight, rootHash: hex(rootOf(8)) as never }),
      message: /the root hash is not a byte array/,
    },
    {
      why: 'second root of a consistency proof',
      call: () => verifyConsistency({ ...sixToEight, secondRoot: short }),
      message: /the second root hash is 31 bytes/,
    },
  ]
  for (const { why, call, message } of cases) t.throws(call, { name: 'MerkleProofError', message }, why)
})

t.test('an inclusion check with impossible numbers or the wrong proof says what is wrong', async (t) => {
  const cases = [
    { change: { leafIndex: -1 }, message: /the leaf index must be a whole number .* got -1$/ },
    { change: { leafIndex: 1.5 }, message: /the leaf index must be a whole number .* got 1.5$/ },
    { change: { treeSize: Number.NaN }, message: /the tree size must be a whole number .* got NaN$/ },
    { change: { treeSize: 2 ** 53 }, message: /the tree size must be a whole number/ },
    { change: { leafIndex: 8 }, message: /^leaf 8 is not in a tree of size 8$/ },
    { change: { proof: null as never }, message: /^the proof must be a list of hashes$/ },
    {
      change: { proof: [...leafFiveOfEight.proof, someHash] },
      message: /^the proof has 4 hashes, a tree of size 8 needs 3 for leaf 5$/,
    },
    {
      change: { treeSize: 6, rootHash: rootOf(6) },
      message: /^the proof has 3 hashes, a tree of size 6 needs 2/,
    },
    { change: { leafIndex: 4 }, message: /^the proof does not lead to the root hash/ },
    { change: { rootHash: rootOf(7) }, message: /^the proof does not lead to the root hash/ },
  ]
  t.doesNotThrow(() => verifyInclusion(leafFiveOfEight), 'the unchanged proof verifies')
  for (const { change, message } of cases) {
    t.throws(() => verifyInclusion({ ...leafFiveOfEight, ...change }), { name: 'MerkleProofError', message })
  }
})

t.test('a consistency check with impossible numbers or the wrong proof says what is wrong', async (t) => {
  const cases = [
    { change: { firstSize: -6 }, message: /the first tree size must be a whole number/ },
    { change: { secondSize: 8.25 }, message: /the second tree size must be a whole number/ },
    { change: { firstSize: 9 }, message: /^the first tree \(size 9\) is larger than the second \(size 8\)/ },
    {
      change: { firstSize: 0, firstRoot: EMPTY_ROOT },
      message: /^there is no consistency proof from the empty tree/,
    },
    {
      change: { firstSize: 8, firstRoot: rootOf(8) },
      message: /^the proof has 3 hashes, trees of the same size \(8\) need an empty proof$/,
    },
    {
      change: { firstSize: 8, firstRoot: rootOf(8), secondRoot: someHash, proof: [] },
      message: /^the two root hashes differ for the same tree size 8/,
    },
    {
      change: { proof: sixToEight.proof.slice(1) },
      message: /^the proof has 2 hashes, a consistency proof from size 6 to size 8 needs 3$/,
    },
    { change: { firstRoot: rootOf(5) }, message: /^the proof does not lead to the first root hash/ },
    { change: { secondRoot: rootOf(7) }, message: /^the proof does not lead to the second root hash/ },
  ]
  t.doesNotThrow(() => verifyConsistency(sixToEight), 'the unchanged proof verifies')
  for (const { change, message } of cases) {
    t.throws(() => verifyConsistency({ ...sixToEight, ...change }), { name: 'MerkleProofError', message })
  }
})

t.test('a first tree that is a complete subtree is not repeated in the proof', async (t) => {
  const proof = [rootFromLeafHashes(referenceLeaves.slice(4, 8))]
  const check = { firstSize: 4, secondSize: 8, proof, firstRoot: rootOf(4), secondRoot: rootOf(8) }
  t.doesNotThrow(() => verifyConsistency(check))
  t.throws(() => verifyConsistency({ ...check, proof: [rootOf(4), ...proof] }), MerkleProofError)
})

t.test('the empty tree is consistent only with itself, and only under its own root', async (t) => {
  const empty = { firstSize: 0, secondSize: 0, proof: [], firstRoot: EMPTY_ROOT, secondRoot: EMPTY_ROOT }
  t.doesNotThrow(() => verifyConsistency(empty))
  t.throws(() => verifyConsistency({ ...empty, firstRoot: someHash, secondRoot: someHash }), {
    message: /the root hash of the empty tree must be SHA-256 of no input/,
  })
})

t.test('sizes and indices past 2^32 are walked at full width', async (t) => {
  // Leaf 2^32 of a tree of 2^32 + 1 sits right of one complete subtree: its proof is that
  // subtree's root. Cut to 32 bits it would be leaf 0 of a tree of 1, with an empty proof.
  const leftSubtree = someHash
  const leaf = referenceLeaves[3]!
  const lastLeaf = {
    leafHash: leaf,
    leafIndex: 2 ** 32,
    treeSize: 2 ** 32 + 1,
    proof: [leftSubtree],
    rootHash: nodeHash(leftSubtree, leaf),
  }
  t.doesNotThrow(() => verifyInclusion(lastLeaf), 'the last leaf')
  t.throws(() => verifyInclusion({ ...lastLeaf, proof: [] }), { message: /needs 1 for leaf 4294967296$/ })
  t.throws(() => verifyInclusion({ ...lastLeaf, leafIndex: 0 }), { message: /needs 33 for leaf 0$/ })

  const growth = {
    firstSize: 2 ** 32,
    secondSize: 2 ** 32 + 1,
    proof: [leaf],
    firstRoot: leftSubtree,
    secondRoot: nodeHash(leftSubtree, leaf),
  }
  t.doesNotThrow(() => verifyConsistency(growth), 'one leaf appended to 2^32')
  t.throws(() => verifyConsistency({ ...growth, firstSize: 2 ** 31 }), {
    message: /from size 2147483648 to size 4294967297 needs 2$/,
  })
})

t.test('the boolean forms answer instead of throwing, but let programming errors through', async (t) => {
  t.equal(isValidInclusion(leafFiveOfEight), true)
  t.equal(isValidInclusion({ ...leafFiveOfEight, leafIndex: 4 }), false)
  t.equal(isValidConsistency(sixToEight), true)
  t.equal(isValidConsistency({ ...sixToEight, firstSize: 5 }), false)
  t.throws(() => isValidInclusion(undefined as never), TypeError)
})

t.test('with an asynchronous SHA-256 the same checks give the same verdicts and messages', async (t) => {
  t.same(await webMerkle.leafHash(new Uint8Array()), leafHash(new Uint8Array()), 'the leaf hash')
  t.same(await webMerkle.emptyRoot(), EMPTY_ROOT, 'the empty root')
  await t.resolves(webMerkle.verifyInclusion(leafFiveOfEight), 'an inclusion proof')
  await t.resolves(webMerkle.verifyConsistency(sixToEight), 'a consistency proof')
  const inclusions = [{ leafIndex: 4 }, { leafIndex: 8 }, { proof: leafFiveOfEight.proof.slice(1) }]
  for (const change of inclusions) {
    const check = { ...leafFiveOfEight, ...change }
    const expected = (() => {
      try {
        verifyInclusion(check)
      } catch (error) {
        return (error as Error).message
      }
    })()
    await t.rejects(webMerkle.verifyInclusion(check), { name: 'MerkleProofError', message: expected })
  }
  await t.rejects(webMerkle.verifyConsistency({ ...sixToEight, firstRoot: rootOf(5) }), {
    message: /^the proof does not lead to the first root hash/,
  })
  const empty = { firstSize: 0, secondSize: 0, proof: [], firstRoot: someHash, secondRoot: someHash }
  await t.rejects(webMerkle.verifyConsistency(empty), {
    message: /the empty tree must be SHA-256 of no input/,
  })
  t.equal(await webMerkle.isValidInclusion({ ...leafFiveOfEight, rootHash: rootOf(7) }), false)
  t.equal(await webMerkle.isValidConsistency(sixToEight), true)
  await t.rejects(webMerkle.isValidInclusion(undefined as never), TypeError, 'programming errors go through')
})
