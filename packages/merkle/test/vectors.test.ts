import { readdirSync, readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { type ConsistencyCheck, type InclusionCheck, MerkleProofError } from '../src/index.js'
import { verifyConsistency, verifyInclusion } from './helpers/node-merkle.js'
import { webMerkle } from './helpers/web-merkle.js'

const vectorsRoot = new URL('./fixtures/rfc6962/', import.meta.url)

interface InclusionVector {
  leafIdx: number
  treeSize: number
  root: string
  leafHash: string
  proof: string[] | null
  desc: string
  wantErr: boolean
}

interface ConsistencyVector {
  size1: number
  size2: number
  root1: string
  root2: string
  proof: string[] | null
  desc: string
  wantErr: boolean
}

/**
 * Vectors that expect a check to pass which this project rejects on purpose. Upstream does
 * not look at hash lengths; here a hash of any length but 32 bytes is never accepted.
 */
const rejectedAgainstUpstream = new Map([
  [
    'consistency/additional/sizes-are-equal-one-and-proof-is-empty.json',
    'its equal roots are 12-byte placeholders, not SHA-256 hashes',
  ],
])

function vectorFiles(kind: 'inclusion' | 'consistency'): string[] {
  return readdirSync(new URL(`${kind}/`, vectorsRoot), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .map((name) => `${kind}/${name}`)
    .sort()
}

function readVector<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, vectorsRoot), 'utf8')) as T
}

function bytes(base64: string): Uint8Array {
  return Buffer.from(base64, 'base64')
}

function proofOf(vector: { proof: string[] | null }): Uint8Array[] {
  return (vector.proof ?? []).map(bytes)
}

/**
 * Both forms of the verifiers: with Node.js's synchronous SHA-256, and with WebCrypto's
 * asynchronous one as a browser has it. Each vector must get the same verdict from both.
 */
const verifiers = [
  {
    sha256: 'node:crypto',
    inclusion: async (check: InclusionCheck) => verifyInclusion(check),
    consistency: async (check: ConsistencyCheck) => verifyConsistency(check),
  },
  {
    sha256: 'WebCrypto',
    inclusion: (check: InclusionCheck) => webMerkle.verifyInclusion(check),
    consistency: (check: ConsistencyCheck) => webMerkle.verifyConsistency(check),
  },
]

async function checkVector(
  t: Test,
  file: string,
  vector: { desc: string; wantErr: boolean },
  verify: () => Promise<void>,
): Promise<void> {
  const deviation = rejectedAgainstUpstream.get(file)
  if (deviation) {
    await t.rejects(
      verify,
      MerkleProofError,
      `${file} is rejected although upstream accepts it: ${deviation}`,
    )
  } else if (vector.wantErr) {
    await t.rejects(verify, MerkleProofError, `${file} (${vector.desc}) is rejected`)
  } else {
    await t.resolves(verify, `${file} (${vector.desc}) verifies`)
  }
}

for (const verifier of verifiers) {
  t.test(
    `every published inclusion vector is accepted or rejected as it expects, with ${verifier.sha256}`,
    async (t) => {
      const files = vectorFiles('inclusion')
      t.equal(files.length, 98, 'all 98 inclusion vectors are present')
      for (const file of files) {
        const vector = readVector<InclusionVector>(file)
        await checkVector(t, file, vector, () =>
          verifier.inclusion({
            leafHash: bytes(vector.leafHash),
            leafIndex: vector.leafIdx,
            treeSize: vector.treeSize,
            proof: proofOf(vector),
            rootHash: bytes(vector.root),
          }),
        )
      }
    },
  )

  t.test(
    `every published consistency vector is accepted or rejected as it expects, with ${verifier.sha256}`,
    async (t) => {
      const files = vectorFiles('consistency')
      t.equal(files.length, 98, 'all 98 consistency vectors are present')
      for (const file of files) {
        const vector = readVector<ConsistencyVector>(file)
        await checkVector(t, file, vector, () =>
          verifier.consistency({
            firstSize: vector.size1,
            secondSize: vector.size2,
            proof: proofOf(vector),
            firstRoot: bytes(vector.root1),
            secondRoot: bytes(vector.root2),
          }),
        )
      }
    },
  )
}

t.test('the vector rejected against upstream passes once its roots are real hashes', async (t) => {
  for (const file of rejectedAgainstUpstream.keys()) {
    const vector = readVector<ConsistencyVector>(file)
    t.equal(vector.wantErr, false, `${file} still expects to verify upstream`)
    const realRoot = new Uint8Array(32).fill(7)
    t.doesNotThrow(() =>
      verifyConsistency({
        firstSize: vector.size1,
        secondSize: vector.size2,
        proof: proofOf(vector),
        firstRoot: realRoot,
        secondRoot: realRoot,
      }),
    )
  }
})
