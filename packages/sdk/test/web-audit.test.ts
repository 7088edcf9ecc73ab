import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto'
import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { accessToken } from '../../gateway/test/helpers/identity.js'
import type { AuditCheckpoint, AuditEntry, InclusionProof, TimelineEntry } from '../src/index.js'
import {
  type PublicJwk,
  verifyAuditBundle,
  verifyAuditEntry,
  verifyCheckpointSignature,
  verifyTimelineEntry,
  webSha256,
} from '../src/web-audit/index.js'
import { complaint, enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
const base64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url')
const flipped = (text: string, at = 0) => {
  const bytes = Buffer.from(text, 'base64')
  bytes[at] = (bytes[at] ?? 0) ^ 0x01
  return base64(bytes)
}

// One gateway for the whole file, with a few disputes and writes, read over real HTTP as
// the console reads it.
const { app, baseUrl, regulator, regulatorCredentials } = await gatewayWithRegulator(t, {
  config: { checkpointIntervalMs: 100 },
})
const company = await enrolEnterprise(regulator, '杭州西湖茶叶有限公司')
const disputes: { id: string }[] = []
for (let i = 0; i < 3; i++) disputes.push(await regulator.disputes.create(complaint(company.enterprise.id)))
await sdkClient(t, baseUrl, company.credentials).disputes.accept(disputes[0]?.id ?? '')

const entries: AuditEntry[] = []
for await (const entry of regulator.audit.entries({ start: 0 })) entries.push(entry)
let checkpoint: AuditCheckpoint = await regulator.audit.checkpoint()
while (checkpoint.tree_size < entries.length) {
  await new Promise((resolve) => setTimeout(resolve, 50))
  checkpoint = await regulator.audit.checkpoint()
}
const jwks = (await (await fetch(`${baseUrl}/.well-known/jwks.json`)).json()) as { keys: PublicJwk[] }
const proofs = new Map<number, InclusionProof>()
for (const entry of entries) {
  proofs.set(
    entry.index,
    await regulator.audit.inclusionProof({ leaf_index: entry.index, tree_size: checkpoint.tree_size }),
  )
}
const timeline: TimelineEntry[] = []
for await (const line of regulator.disputes.timeline(disputes[0]?.id ?? '')) timeline.push(line)

const proofOf = (entry: AuditEntry) => proofs.get(entry.index) as InclusionProof
/** The last entry: its proof has hashes to change, since the tree has more than one leaf. */
const entry = entries.at(-1) as AuditEntry
const proof = proofOf(entry)

/** A key the log does not have, as an attacker would sign with, under the log's key id. */
function otherKey(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return { jwk: { ...(publicKey.export({ format: 'jwk' }) as PublicJwk), kid }, privateKey }
}

function signJws(header: Record<string, unknown>, payload: object, privateKey: KeyObject): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  return `${input}.${base64url(sign(null, Buffer.from(input), privateKey))}`
}

const { signature: _, ...signedFields } = checkpoint
const kid = JSON.parse(Buffer.from(checkpoint.signature.split('.')[0] ?? '', 'base64url').toString())
  .kid as string

t.test(
  `a checkpoint, its entries and their proofs from a real gateway verify with WebCrypto (${backend})`,
  async (t) => {
    t.ok(entries.length >= 5, `${entries.length} entries: the enrolment, three intakes and an accept`)
    const signature = await verifyCheckpointSignature(checkpoint, jwks)
    t.ok(signature.ok, signature.message)
    t.equal(signature.kid, kid)
    for (const entry of entries) {
      const check = await verifyAuditEntry({ entry, proof: proofOf(entry), checkpoint })
      t.ok(check.ok, check.message)
    }
  },
)

t.test(`WebCrypto's SHA-256 gives the leaf hash the gateway stored (${backend})`, async (t) => {
  const bytes = Buffer.from(entry.canonical, 'base64')
  t.equal(base64(await webSha256(Uint8Array.of(0), bytes)), entry.leaf_hash)
})

t.test(`an entry fails when one byte of its canonical bytes is changed (${backend})`, async (t) => {
  const changed = { ...entry, canonical: flipped(entry.canonical, 10) }
  const check = await verifyAuditEntry({ entry: changed, proof, checkpoint })
  t.notOk(check.ok)
  t.match(check.message, /leaf_hash is not the hash of its canonical bytes/)

  // A leaf_hash made to match the changed bytes is not believed: the proof shows they are not in the tree.
  const leaf_hash = base64(await webSha256(Uint8Array.of(0), Buffer.from(changed.canonical, 'base64')))
  const matched = await verifyAuditEntry({ entry: { ...changed, leaf_hash }, proof, checkpoint })
  t.notOk(matched.ok)
  t.match(matched.message, /its canonical bytes are not a JSON entry|inclusion proof fails/)
})

t.test(
  `an entry fails when its leaf_hash claims another hash than its bytes have, even with a valid proof (${backend})`,
  async (t) => {
    const other = entries[0] as AuditEntry
    const check = await verifyAuditEntry({
      entry: { ...entry, leaf_hash: other.leaf_hash },
      proof,
      checkpoint,
    })
    t.notOk(check.ok)
  },
)

t.test(`an entry fails when the parsed object shown beside its bytes is changed (${backend})`, async (t) => {
  const shown = { ...(entry.entry as Record<string, unknown>), action: 'dispute.close' }
  const check = await verifyAuditEntry({ entry: { ...entry, entry: shown as never }, proof, checkpoint })
  t.notOk(check.ok)
  t.match(check.message, /the entry shown differs from its canonical bytes/)
})

t.test(`an entry fails when a hash of its proof is changed (${backend})`, async (t) => {
  t.ok(proof.hashes.length > 0, 'the proof has hashes')
  for (const [step, hash] of proof.hashes.entries()) {
    const hashes = proof.hashes.with(step, flipped(hash))
    const check = await verifyAuditEntry({ entry, proof: { ...proof, hashes }, checkpoint })
    t.notOk(check.ok, `hash ${step} changed`)
    t.match(check.message, /its inclusion proof fails: the proof does not lead to the root hash/)
  }
})

t.test(`an entry fails when the checkpoint's root or size is changed (${backend})`, async (t) => {
  const otherRoot = { ...checkpoint, root_hash: flipped(checkpoint.root_hash) }
  const byRoot = await verifyAuditEntry({ entry, proof, checkpoint: otherRoot })
  t.notOk(byRoot.ok)
  t.match(byRoot.message, /does not lead to the root hash/)
  const bigger = { ...checkpoint, tree_size: checkpoint.tree_size + 1 }
  const bySize = await verifyAuditEntry({ entry, proof, checkpoint: bigger })
  t.notOk(bySize.ok)
  t.match(bySize.message, /the proof is for a tree of \d+ entries, the checkpoint's has \d+/)
  const resized = await verifyAuditEntry({
    entry,
    proof: { ...proof, tree_size: bigger.tree_size },
    checkpoint: bigger,
  })
  t.notOk(resized.ok, 'a proof claiming the changed size does not verify either')

  for (const changed of [otherRoot, bigger]) {
    const signature = await verifyCheckpointSignature(changed, jwks)
    t.notOk(signature.ok, 'and the changed checkpoint is not what the log signed')
    t.match(
      signature.message,
      /the signature is valid but signs another (root_hash|tree_size) than the checkpoint shows/,
    )
  }
})

t.test(`a checkpoint signed by another key under the log's key id fails (${backend})`, async (t) => {
  const forger = otherKey(kid)
  const signature = signJws(
    { alg: 'EdDSA', kid, typ: 'audit-checkpoint+jwt' },
    signedFields,
    forger.privateKey,
  )
  const check = await verifyCheckpointSignature({ ...checkpoint, signature }, jwks)
  t.notOk(check.ok)
  t.equal(check.message, `the signature does not verify with key ${kid}: signature verification failed`)

  const unknown = await verifyCheckpointSignature({ ...checkpoint, signature }, { keys: [] })
  t.equal(unknown.message, `no known key has the key id ${kid}`)
  const garbage = await verifyCheckpointSignature({ ...checkpoint, signature: 'not a jws' }, jwks)
  t.equal(garbage.message, 'the signature is not a compact JWS')
})

t.test(
  `a checkpoint whose JWS has the wrong typ or alg fails, though its signature is valid (${backend})`,
  async (t) => {
    // The test's own key, published under its key id, so that only the header is wrong.
    const signer = otherKey('key_test')
    const keys = { keys: [signer.jwk] }
    const good = signJws(
      { alg: 'EdDSA', kid: 'key_test', typ: 'audit-checkpoint+jwt' },
      signedFields,
      signer.privateKey,
    )
    t.ok(
      (await verifyCheckpointSignature({ ...checkpoint, signature: good }, keys)).ok,
      'the right header verifies',
    )

    const cases = [
      {
        header: { alg: 'EdDSA', kid: 'key_test', typ: 'JWT' },
        message: /the typ is "JWT", not audit-checkpoint\+jwt/,
      },
      { header: { alg: 'EdDSA', kid: 'key_test' }, message: /the typ is undefined/ },
      {
        header: { alg: 'Ed25519', kid: 'key_test', typ: 'audit-checkpoint+jwt' },
        message: /the algorithm is "Ed25519", not EdDSA/,
      },
      {
        header: { alg: 'none', kid: 'key_test', typ: 'audit-checkpoint+jwt' },
        message: /the algorithm is "none"/,
      },
    ]
    for (const { header, message } of cases) {
      const signature = signJws(header, signedFields, signer.privateKey)
      const check = await verifyCheckpointSignature({ ...checkpoint, signature }, keys)
      t.notOk(check.ok, JSON.stringify(header))
      t.match(check.message, message)
    }
  },
)

t.test(`a dispute's timeline lines agree with the audit entries they point to (${backend})`, async (t) => {
  t.ok(timeline.length >= 2, 'the intake and the accept')
  for (const line of timeline) {
    const audited = entries[line.audit_index] as AuditEntry
    const check = await verifyTimelineEntry({
      timeline: line,
      entry: audited,
      proof: proofOf(audited),
      checkpoint,
      disputeId: disputes[0]?.id ?? '',
    })
    t.ok(check.ok, check.message)
  }
})

t.test(`a timeline line that disagrees with its audit entry fails (${backend})`, async (t) => {
  const line = timeline[0] as TimelineEntry
  const audited = entries[line.audit_index] as AuditEntry
  const input = { entry: audited, proof: proofOf(audited), checkpoint }
  const cases = [
    { change: { action: 'dispute.close' }, field: 'action' },
    { change: { object_id: 'dsp_other' }, field: 'object_id' },
    { change: { at: '2020-01-01T00:00:00.000Z' }, field: 'at' },
    { change: { actor: { ...line.actor, client_id: 'cli_someone_else' } }, field: 'actor' },
  ]
  for (const { change, field } of cases) {
    const check = await verifyTimelineEntry({ ...input, timeline: { ...line, ...change } })
    t.notOk(check.ok, field)
    t.match(check.message, new RegExp(`differs from the entry in ${field}$`))
  }
  const elsewhere = await verifyTimelineEntry({
    ...input,
    timeline: { ...line, audit_index: line.audit_index + 1 },
  })
  t.notOk(elsewhere.ok, 'a line pointing at another entry')
  const otherDispute = await verifyTimelineEntry({
    ...input,
    timeline: line,
    disputeId: disputes[1]?.id ?? '',
  })
  t.match(otherDispute.message, /differs from the entry in dispute_id$/)
})

/** The export bundle as a browser downloads it: a fetch response's ReadableStream. */
async function exportBundle(): Promise<string> {
  const token = await accessToken(app, regulatorCredentials)
  const res = await fetch(`${baseUrl}/v1/audit/export`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(res.status, 200)
  return res.text()
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  // In small chunks, so that lines are cut across them as a file's stream cuts them.
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 97) controller.enqueue(bytes.subarray(at, at + 97))
      controller.close()
    },
  })
}

t.test(
  `a real export bundle, read from a stream, verifies with progress reported (${backend})`,
  async (t) => {
    const token = await accessToken(app, regulatorCredentials)
    const res = await fetch(`${baseUrl}/v1/audit/export`, { headers: { authorization: `Bearer ${token}` } })
    const progress: number[] = []
    const report = await verifyAuditBundle(res.body as ReadableStream<Uint8Array>, {
      onProgress: (p) => progress.push(p.entries),
    })
    t.ok(report.ok, JSON.stringify(report.entries.failures.concat([]).slice(0, 3)))
    t.ok(report.signature.ok, report.signature.message)
    t.ok(report.manifest.ok, report.manifest.problems.join('; '))
    t.equal(report.entries.read, report.checkpoint?.tree_size)
    t.equal(report.entries.verified, report.entries.read)
    t.equal(report.entries.missing, 0)
    t.equal(progress.at(-1), report.entries.read, 'the last progress counts every entry')
  },
)

t.test(`an export bundle with a tampered entry line fails, naming the entry (${backend})`, async (t) => {
  const lines = (await exportBundle()).split('\n')
  const at = lines.findIndex((line) => line.includes('"type":"entry"') && line.includes('"index":2,'))
  t.ok(at > 0, 'entry 2 is in the bundle')
  const line = JSON.parse(lines[at] ?? '')
  lines[at] = JSON.stringify({ ...line, canonical: flipped(line.canonical, 12) })
  const report = await verifyAuditBundle(streamOf(lines.join('\n')))
  t.notOk(report.ok)
  t.ok(report.signature.ok, 'the checkpoint itself still verifies')
  t.equal(report.entries.failed, 1)
  const failure = report.entries.failures[0]
  t.equal(failure?.index, 2)
  t.match(failure?.message, /^entry 2 \(line \d+\): its stored bytes do not hash to its leaf_hash/)
  t.ok(failure?.problems.includes('leaf_hash'))
})

t.test(
  `an export bundle fails when an entry is left out, or its checkpoint is not the log's (${backend})`,
  async (t) => {
    const text = await exportBundle()
    const withoutThree = text
      .split('\n')
      .filter((line) => !(line.includes('"type":"entry"') && line.includes('"index":3,')))
      .join('\n')
    const missing = await verifyAuditBundle(streamOf(withoutThree))
    t.notOk(missing.ok)
    t.equal(missing.entries.missing, 1)
    t.match(missing.entries.failures[0]?.message, /^entry 3: missing from the bundle$/)

    const forger = otherKey(kid)
    const forged = text
      .split('\n')
      .map((line) => {
        if (!line.includes('"type":"checkpoint"')) return line
        const record = JSON.parse(line)
        const {
          type: _type,
          signature: _signature,
          note: _note,
          cosignatures: _cosignatures,
          ...fields
        } = record
        return JSON.stringify({
          ...record,
          signature: signJws({ alg: 'EdDSA', kid, typ: 'audit-checkpoint+jwt' }, fields, forger.privateKey),
        })
      })
      .join('\n')
    const report = await verifyAuditBundle(streamOf(forged))
    t.notOk(report.ok)
    t.match(report.signature.message, /does not verify with key/)
  },
)

t.test(`an export bundle is checked against a trusted checkpoint (${backend})`, async (t) => {
  const text = await exportBundle()
  const carried = JSON.parse(text.split('\n').find((line) => line.includes('"type":"checkpoint"')) ?? '{}')
  const same = await verifyAuditBundle(streamOf(text), { trustedCheckpoint: carried })
  t.equal(same.trusted?.status, 'same')
  t.ok(same.ok)
  const forked = await verifyAuditBundle(streamOf(text), {
    trustedCheckpoint: { ...carried, root_hash: flipped(carried.root_hash) },
  })
  t.equal(forked.trusted?.status, 'fork')
  t.notOk(forked.ok)
  const larger = await verifyAuditBundle(streamOf(text), {
    trustedCheckpoint: { ...carried, tree_size: carried.tree_size + 1 },
  })
  t.equal(larger.trusted?.status, 'shrunk')
})
