import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import canonicalize from 'canonicalize'
import { SignJWT } from 'jose'
import t from 'tap'
import { merkle } from '../src/audit/merkle.js'
import {
  AuditBundleError,
  type AuditBundleProgress,
  leafHash,
  readTrustedCheckpoint,
  rootFromLeafHashes,
  savedCheckpoint,
  type TrustedCheckpoint,
  verifyAuditBundle,
} from '../src/index.js'

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
const ORIGIN = 'hejie.audit.v1'

/** An in-memory log built with the gateway's own Merkle code, as the gateway stores it. */
class MemoryLog {
  readonly canonical: Buffer[] = []
  readonly leaves: Uint8Array[] = []
  readonly nodes = new Map<string, Uint8Array>()
  readonly subtrees = {
    get: async (level: number, position: number) => this.nodes.get(`${level}:${position}`)!,
  }

  async append(count: number, build: (index: number) => object = entryAt): Promise<this> {
    for (let made = 0; made < count; made += 1) {
      const index = this.canonical.length
      const bytes = Buffer.from(canonicalize(build(index)) ?? '')
      const hash = leafHash(bytes)
      this.canonical.push(bytes)
      this.leaves.push(hash)
      for (const node of await merkle.nodesCompletedBy(index, hash, this.subtrees)) {
        this.nodes.set(`${node.level}:${node.position}`, node.hash)
      }
    }
    return this
  }
}

function entryAt(index: number) {
  return {
    v: 1,
    index,
    at: new Date(Date.UTC(2026, 2, 1, 8, 0, index)).toISOString(),
    actor: { role: 'enterprise', client_id: 'cli_test', enterprise_id: 'ent_a' },
    action: index % 2 === 0 ? 'dispute.accept' : 'dispute.settle',
    dispute_id: `dsp_${Math.floor(index / 2)}`,
    object_id: `dsp_${Math.floor(index / 2)}`,
    digest: 'ab'.repeat(32),
    request_id: `req_${index}`,
  }
}

const signer = (() => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key_test', alg: 'EdDSA', use: 'sig' }
  return { jwk, privateKey }
})()

async function sign(log: MemoryLog, size = log.leaves.length, key = signer) {
  const payload = {
    origin: ORIGIN,
    tree_size: size,
    root_hash: base64(rootFromLeafHashes(log.leaves.slice(0, size))),
    timestamp: new Date().toISOString(),
  }
  const signature = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.jwk.kid, typ: 'audit-checkpoint+jwt' })
    .sign(key.privateKey)
  return { ...payload, signature }
}

type Line = Record<string, unknown>

/** The lines of an export of `log` (all of it unless a range is given), as the gateway writes them. */
async function exportOf(
  log: MemoryLog,
  options: {
    from?: number
    to?: number
    enterpriseId?: string
    consistencyFrom?: number
    only?: number[]
  } = {},
): Promise<Line[]> {
  const checkpoint = await sign(log)
  const from = options.from ?? 0
  const to = options.to ?? checkpoint.tree_size
  const lines: Line[] = [
    {
      type: 'manifest',
      format: 'hejie-audit-export/1',
      origin: ORIGIN,
      from,
      to,
      enterprise_id: options.enterpriseId ?? null,
      generated_at: new Date().toISOString(),
    },
    { type: 'checkpoint', ...checkpoint },
    { type: 'jwks', keys: [signer.jwk] },
  ]
  if (options.consistencyFrom !== undefined) {
    const hashes = await merkle.consistencyProof(options.consistencyFrom, checkpoint.tree_size, log.subtrees)
    lines.push({
      type: 'consistency',
      first: options.consistencyFrom,
      second: checkpoint.tree_size,
      hashes: hashes.map(base64),
    })
  }
  for (let index = from; index < to; index += 1) {
    if (options.only && !options.only.includes(index)) continue
    const bytes = log.canonical[index]!
    lines.push({
      type: 'entry',
      index,
      leaf_hash: base64(log.leaves[index]!),
      canonical: bytes.toString('base64'),
      entry: JSON.parse(bytes.toString('utf8')),
      proof: (await merkle.inclusionProof(index, checkpoint.tree_size, log.subtrees)).map(base64),
    })
  }
  return lines
}

const ndjson = (lines: Line[]) => lines.map((line) => `${JSON.stringify(line)}\n`).join('')

/** The bundle as a stream cut into small chunks, so that lines and characters straddle chunks. */
const chunked = (text: string, size = 7) =>
  Readable.from(
    (function* () {
      const bytes = Buffer.from(text)
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
    })(),
  )

const entries = (lines: Line[]) => lines.filter((line) => line.type === 'entry')
const entryLine = (lines: Line[], index: number) => entries(lines).find((line) => line.index === index)!

t.test(
  'the inclusion walk agrees with a proof-by-proof check at every index of many tree sizes',
  async (t) => {
    const log = await new MemoryLog().append(70)
    for (const size of [1, 2, 3, 5, 8, 13, 31, 32, 33, 64, 70]) {
      const root = rootFromLeafHashes(log.leaves.slice(0, size))
      const walk = merkle.inclusionWalk(size, root)
      const wrongRoot = merkle.inclusionWalk(size, leafHash(Buffer.from('another tree')))
      for (let index = 0; index < size; index += 1) {
        const proof = (await merkle.inclusionProof(index, size, log.subtrees)).map(base64)
        const hash = Buffer.from(log.leaves[index]!)
        t.equal(walk.verify(index, hash, proof), undefined, `leaf ${index} of ${size}`)
        t.not(
          wrongRoot.verify(index, hash, proof),
          undefined,
          `leaf ${index} of ${size} is not under another root`,
        )
        if (proof.length > 0) {
          // Right after proofs of its neighbours verified: the remembered path must not excuse it.
          const altered = [...proof]
          altered[altered.length - 1] = base64(leafHash(Buffer.from('forged')))
          t.match(walk.verify(index, hash, altered), /does not lead to the checkpoint root/)
          t.match(walk.verify(index, hash, proof.slice(1)), /too few|does not lead/)
        }
        t.match(walk.verify(index, Buffer.from(leafHash(Buffer.from('x'))), proof), /does not lead|too few/)
      }
    }
  },
)

t.test('the root of the first m entries follows from the verified proof of entry m − 1', async (t) => {
  const log = await new MemoryLog().append(40)
  for (const size of [1, 2, 7, 16, 17, 40]) {
    for (let m = 1; m <= size; m += 1) {
      const proof = await merkle.inclusionProof(m - 1, size, log.subtrees)
      const root = merkle.rootOfPrefix(
        m - 1,
        size,
        Buffer.from(log.leaves[m - 1]!),
        proof.map((hash) => Buffer.from(hash)),
      )
      t.equal(base64(root), base64(rootFromLeafHashes(log.leaves.slice(0, m))), `first ${m} of ${size}`)
    }
  }
})

t.test('an intact export verifies, read from a file or from a stream cut mid-line', async (t) => {
  const log = await new MemoryLog().append(37)
  const text = ndjson(await exportOf(log))
  const dir = mkdtempSync(join(tmpdir(), 'hejie-bundle-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'bundle.ndjson')
  writeFileSync(file, text)

  const seen: AuditBundleProgress[] = []
  const fromFile = await verifyAuditBundle(file, { onProgress: (progress) => seen.push(progress) })
  t.ok(fromFile.ok)
  t.match(fromFile.entries, { contiguous: true, read: 37, verified: 37, failed: 0, missing: 0, failures: [] })
  t.match(fromFile.signature, { ok: true, kid: 'key_test', pinned: false })
  t.equal(fromFile.bytesRead, Buffer.byteLength(text))
  t.match(seen.at(-1), {
    bytesRead: Buffer.byteLength(text),
    totalBytes: Buffer.byteLength(text),
    entries: 37,
  })

  const fromStream = await verifyAuditBundle(chunked(text))
  t.ok(fromStream.ok)
  t.equal(fromStream.entries.verified, 37)
})

t.test(
  'an altered entry is named by its index, dispute and action; its neighbours still verify',
  async (t) => {
    const log = await new MemoryLog().append(20)
    const lines = await exportOf(log)
    const line = entryLine(lines, 9)
    const bytes = Buffer.from(line.canonical as string, 'base64')
    const digit = bytes.indexOf('digest') + 10
    bytes[digit] = (bytes[digit] ?? 0) ^ 0x01
    line.canonical = bytes.toString('base64')
    const report = await verifyAuditBundle(chunked(ndjson(lines), 4096))
    t.notOk(report.ok)
    t.equal(report.entries.verified, 19)
    t.equal(report.entries.failed, 1)
    t.match(report.entries.failures, [
      {
        index: 9,
        problems: ['leaf_hash', 'inclusion'],
        disputeId: 'dsp_4',
        action: 'dispute.settle',
        message: /do not hash to its leaf_hash.*inclusion proof fails/,
      },
    ])

    // The leaf hash rewritten to match: the proof still gives it away.
    line.leaf_hash = base64(leafHash(bytes))
    const rehashed = await verifyAuditBundle(chunked(ndjson(lines), 4096))
    t.match(rehashed.entries.failures, [{ index: 9, problems: ['inclusion'] }])
  },
)

t.test('bytes that no longer parse, or that name another index, fail as such', async (t) => {
  const log = await new MemoryLog().append(6)
  const lines = await exportOf(log)
  entryLine(lines, 2).canonical = Buffer.from('{"v":1,"index":2').toString('base64')
  const swapped = entryLine(lines, 4)
  swapped.canonical = log.canonical[3]!.toString('base64')
  swapped.leaf_hash = base64(log.leaves[3]!)
  const report = await verifyAuditBundle(chunked(ndjson(lines), 100))
  t.match(report.entries.failures, [
    { index: 2, problems: ['leaf_hash', 'malformed', 'inclusion'] },
    { index: 4, problems: ['index', 'inclusion'], message: /its bytes say index 3, but it is leaf 4/ },
  ])
})

t.test('a missing entry is named, and so is the end of a truncated bundle', async (t) => {
  const log = await new MemoryLog().append(12)
  const lines = (await exportOf(log)).filter((line) => line.index !== 5)
  const report = await verifyAuditBundle(chunked(ndjson(lines.slice(0, -2)), 64))
  t.notOk(report.ok)
  t.equal(report.entries.missing, 3)
  t.match(report.entries.failures, [
    { index: 5, problems: ['missing'] },
    { index: 10, problems: ['missing'] },
    { index: 11, problems: ['missing'] },
  ])
})

t.test('swapped or repeated entries are out of order', async (t) => {
  const log = await new MemoryLog().append(8)
  const lines = await exportOf(log)
  const [three, four] = [lines.indexOf(entryLine(lines, 3)), lines.indexOf(entryLine(lines, 4))]
  ;[lines[three], lines[four]] = [lines[four]!, lines[three]!]
  lines.push(entryLine(lines, 7))
  const report = await verifyAuditBundle(chunked(ndjson(lines), 50))
  t.notOk(report.ok)
  t.equal(report.entries.missing, 0, 'entry 3 is there, only late')
  t.match(report.entries.failures, [
    { index: 3, problems: ['order'], message: 'out of order: it comes after entry 4' },
    { index: 7, problems: ['order'], message: /it appears twice/ },
  ])
  t.equal(report.entries.failures.length, 2)
})

t.test('failures are listed up to the limit and counted beyond it', async (t) => {
  const log = await new MemoryLog().append(40)
  const lines = await exportOf(log)
  for (const line of entries(lines)) line.leaf_hash = base64(leafHash(Buffer.from('x')))
  const report = await verifyAuditBundle(chunked(ndjson(lines), 1000), { listLimit: 5 })
  t.equal(report.entries.failed, 40)
  t.equal(report.entries.failures.length, 5)
})

t.test('a checkpoint whose signature or signed fields do not match is refused', async (t) => {
  const log = await new MemoryLog().append(4)
  const lines = await exportOf(log)
  const checkpoint = lines[1]!
  checkpoint.timestamp = '2020-01-01T00:00:00.000Z'
  const report = await verifyAuditBundle(chunked(ndjson(lines)))
  t.notOk(report.ok)
  t.match(report.signature, { ok: false, message: /signs another timestamp/ })
  t.equal(report.entries.verified, 4, 'the entries themselves are fine')

  const other = generateKeyPairSync('ed25519')
  const stranger = {
    jwk: { ...other.publicKey.export({ format: 'jwk' }), kid: 'key_test', alg: 'EdDSA', use: 'sig' },
    privateKey: other.privateKey,
  }
  const forged = await exportOf(log)
  Object.assign(forged[1]!, await sign(log, 4, stranger))
  const refused = await verifyAuditBundle(chunked(ndjson(forged)))
  t.match(refused.signature, { ok: false, message: /does not verify with key key_test/ })

  const pinned = await verifyAuditBundle(chunked(ndjson(await exportOf(log))), {
    trustedKeys: [stranger.jwk],
  })
  t.match(pinned.signature, { ok: false, pinned: true }, 'a pinned key is used instead of the bundle’s')
})

t.test('a bundle extends a trusted checkpoint: from its entries, or by its consistency proof', async (t) => {
  const log = await new MemoryLog().append(9)
  const early = await verifyAuditBundle(chunked(ndjson(await exportOf(log))))
  const trusted = readTrustedCheckpoint(
    JSON.parse(JSON.stringify(savedCheckpoint(early.checkpoint!, early.signature))),
  )
  await log.append(14)

  const whole = await verifyAuditBundle(chunked(ndjson(await exportOf(log))), { trustedCheckpoint: trusted })
  t.ok(whole.ok)
  t.match(whole.trusted, { ok: true, status: 'consistent', method: 'entries', treeSize: 9 })

  const tail = await exportOf(log, { from: 15 })
  const unproven = await verifyAuditBundle(chunked(ndjson(tail)), { trustedCheckpoint: trusted })
  t.notOk(unproven.ok)
  t.match(unproven.trusted, { status: 'unproven', message: /consistency_from=9/ })

  const proved = await verifyAuditBundle(
    chunked(ndjson(await exportOf(log, { from: 15, consistencyFrom: 9 }))),
    {
      trustedCheckpoint: trusted,
    },
  )
  t.ok(proved.ok)
  t.match(proved.trusted, { status: 'consistent', method: 'consistency_proof' })

  const same = await verifyAuditBundle(chunked(ndjson(await exportOf(log))), {
    trustedCheckpoint: readTrustedCheckpoint(whole.checkpoint),
  })
  t.match(same.trusted, { ok: true, status: 'same' })
})

t.test('a rewritten history is a fork at the same size and inconsistent beyond it', async (t) => {
  const honest = await new MemoryLog().append(10)
  const rewritten = await new MemoryLog().append(10, (index) => ({
    ...entryAt(index),
    action: index === 6 ? 'x' : 'y',
  }))
  const trusted: TrustedCheckpoint = { ...(await sign(honest)), key: signer.jwk }

  const fork = await verifyAuditBundle(chunked(ndjson(await exportOf(rewritten))), {
    trustedCheckpoint: trusted,
  })
  t.notOk(fork.ok)
  t.equal(fork.entries.failed, 0, 'the rewritten log is consistent with itself')
  t.match(fork.trusted, {
    ok: false,
    status: 'fork',
    message: /^FORK: two checkpoints of size 10 with different roots/,
  })

  await rewritten.append(5)
  for (const consistencyFrom of [undefined, 10]) {
    const later = await verifyAuditBundle(
      chunked(ndjson(await exportOf(rewritten, consistencyFrom ? { consistencyFrom } : {}))),
      { trustedCheckpoint: trusted },
    )
    t.match(later.trusted, { ok: false, status: 'inconsistent', message: /the log was rewritten/ })
  }

  const shorter = await verifyAuditBundle(chunked(ndjson(await exportOf(await new MemoryLog().append(8)))), {
    trustedCheckpoint: trusted,
  })
  t.match(shorter.trusted, { ok: false, status: 'shrunk' })
})

t.test(
  'an export filtered to one enterprise verifies its entries without asking for the others',
  async (t) => {
    const log = await new MemoryLog().append(30)
    const report = await verifyAuditBundle(
      chunked(ndjson(await exportOf(log, { enterpriseId: 'ent_a', only: [2, 3, 17, 29] }))),
    )
    t.ok(report.ok)
    t.match(report.entries, { contiguous: false, read: 4, verified: 4, missing: 0 })
  },
)

t.test('what is not an audit bundle cannot be verified, and says why', async (t) => {
  const cases: [string, string | Readable, RegExp][] = [
    ['a missing file', '/nonexistent/bundle.ndjson', /cannot read \/nonexistent\/bundle.ndjson/],
    ['an empty stream', chunked(''), /empty/],
    ['another kind of file', chunked('hello\n'), /first line is not a manifest/],
    [
      'a future format',
      chunked('{"type":"manifest","format":"hejie-audit-export/9"}\n'),
      /this verifier reads hejie-audit-export\/1/,
    ],
  ]
  for (const [given, source, want] of cases) {
    await t.rejects(verifyAuditBundle(source), { name: 'AuditBundleError', message: want }, given)
  }
  t.ok(new AuditBundleError('x') instanceof Error)
})

t.test('lines out of place inside a bundle are verification failures', async (t) => {
  const log = await new MemoryLog().append(3)
  const lines = await exportOf(log)
  const withJunk = [...lines.slice(0, 3), { type: 'surprise' }, ...lines.slice(3), lines[1]!]
  const report = await verifyAuditBundle(chunked(`${ndjson(withJunk)}not json\n`))
  t.notOk(report.ok)
  t.match(report.manifest.problems, [
    /line 4: unknown line type "surprise"/,
    /line 8: a checkpoint line after the entries/,
    /line 9 is not a JSON object/,
  ])
  const headless = await verifyAuditBundle(chunked(ndjson([lines[0]!, ...lines.slice(3)])))
  t.notOk(headless.ok)
  t.match(headless.manifest.problems, [/no checkpoint before its entries/])
  t.equal(headless.entries.verified, 0)
})
