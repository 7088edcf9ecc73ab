import { isValidConsistency, isValidInclusion } from '@hejie/sdk'
import { createLocalJWKSet, jwtVerify } from 'jose'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute, settlementOf2700 } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'))

async function busyLog(t: { teardown(fn: () => unknown): void }) {
  const context = await testApp(t)
  const regulatorToken = await accessToken(context.app, await regulatorCredentials(context.database))
  const a = await enrolEnterprise(context.app, regulatorToken, '甲')
  const b = await enrolEnterprise(context.app, regulatorToken, '乙')
  const dispute = await intakeDispute(context.app, regulatorToken, a.id)
  await as(context.app, a.token)({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept` })
  await as(
    context.app,
    a.token,
  )({ method: 'POST', url: `/v1/disputes/${dispute.id}/settlements`, payload: settlementOf2700 })
  await intakeDispute(context.app, regulatorToken, b.id)
  return { ...context, regulator: as(context.app, regulatorToken), a, b, disputeId: dispute.id as string }
}

t.test(`a signed checkpoint verifies against the JWKS and commits to every entry (${backend})`, async (t) => {
  const { app, regulator, config } = await busyLog(t)
  const checkpoint = (await regulator({ url: '/v1/audit/checkpoint' })).json()
  const jwks = createLocalJWKSet((await app.inject('/.well-known/jwks.json')).json())
  const { payload, protectedHeader } = await jwtVerify(checkpoint.signature, jwks, { algorithms: ['EdDSA'] })
  t.equal(protectedHeader.typ, 'audit-checkpoint+jwt')
  t.same(payload, {
    origin: config.auditOrigin,
    tree_size: checkpoint.tree_size,
    root_hash: checkpoint.root_hash,
    timestamp: checkpoint.timestamp,
  })

  const entries = (await regulator({ url: `/v1/audit/entries?start=0&limit=1000` })).json().data
  t.equal(entries.length, checkpoint.tree_size, 'the checkpoint covers the whole log')
  for (const entry of entries) {
    const proof = (
      await regulator({
        url: `/v1/audit/proofs/inclusion?leaf_index=${entry.index}&tree_size=${checkpoint.tree_size}`,
      })
    ).json()
    t.ok(
      isValidInclusion({
        leafHash: bytes(entry.leaf_hash),
        leafIndex: entry.index,
        treeSize: checkpoint.tree_size,
        proof: proof.hashes.map(bytes),
        rootHash: bytes(checkpoint.root_hash),
      }),
      `entry ${entry.index} (${entry.entry.action}) is in the signed tree`,
    )
  }
})

t.test('an earlier checkpoint is proved consistent with a later one', async (t) => {
  const { app, regulator, a, disputeId } = await busyLog(t)
  const first = (await regulator({ url: '/v1/audit/checkpoint' })).json()
  await as(
    app,
    a.token,
  )({
    method: 'POST',
    url: `/v1/disputes/${disputeId}/outcome`,
    payload: { result: 'not_settled', summary: 'x' },
  })
  const exported = (await regulator({ url: '/v1/audit/export' })).body.split('\n')
  const second = JSON.parse(exported[1] ?? '{}')
  t.ok(second.tree_size > first.tree_size)
  const proof = (
    await regulator({
      url: `/v1/audit/proofs/consistency?first=${first.tree_size}&second=${second.tree_size}`,
    })
  ).json()
  t.ok(
    isValidConsistency({
      firstSize: first.tree_size,
      secondSize: second.tree_size,
      proof: proof.hashes.map(bytes),
      firstRoot: bytes(first.root_hash),
      secondRoot: bytes(second.root_hash),
    }),
  )
})

t.test(
  'the export bundle carries a manifest, the checkpoint, the JWKS and every entry with its proof',
  async (t) => {
    const { regulator } = await busyLog(t)
    const res = await regulator({ url: '/v1/audit/export' })
    t.match(res.headers['content-type'], /^application\/x-ndjson/)
    const lines = res.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    t.match(lines[0], { type: 'manifest', format: 'hejie-audit-export/1', from: 0 })
    t.match(lines[1], { type: 'checkpoint' })
    t.match(lines[2], { type: 'jwks', keys: [{ kty: 'OKP', crv: 'Ed25519' }] })
    const checkpoint = lines[1]
    const entries = lines.slice(3)
    t.equal(entries.length, checkpoint.tree_size)
    for (const entry of entries) {
      t.ok(
        isValidInclusion({
          leafHash: bytes(entry.leaf_hash),
          leafIndex: entry.index,
          treeSize: checkpoint.tree_size,
          proof: entry.proof.map(bytes),
          rootHash: bytes(checkpoint.root_hash),
        }),
        `entry ${entry.index}`,
      )
    }
  },
)

t.test('an enterprise reads the entries of its own disputes only, with proofs', async (t) => {
  const { app, a, b, regulator } = await busyLog(t)
  const asA = as(app, a.token)
  const own = (await asA({ url: '/v1/audit/entries?start=0&limit=1000' })).json().data
  t.ok(own.length >= 3)
  t.ok(
    own.every(
      (entry: { entry: { dispute_id?: string; object_id: string } }) => entry.entry.dispute_id !== undefined,
    ),
  )
  const all = (await regulator({ url: '/v1/audit/entries?start=0&limit=1000' })).json().data
  const foreign = all.find((entry: { index: number }) =>
    own.every((mine: { index: number }) => mine.index !== entry.index),
  )
  const size = all.length
  const refused = await asA({
    url: `/v1/audit/proofs/inclusion?leaf_index=${foreign.index}&tree_size=${size}`,
  })
  t.equal(refused.statusCode, 404, "another's entry has no proof for it")
  const exported = (await as(app, b.token)({ url: '/v1/audit/export' })).body.trim().split('\n').slice(3)
  t.ok(exported.length >= 1)
  t.ok(
    exported.every((line) => !own.some((mine: { index: number }) => mine.index === JSON.parse(line).index)),
  )
})

t.test('proof requests beyond the log are refused with 400', async (t) => {
  const { regulator } = await busyLog(t)
  const checkpoint = (await regulator({ url: '/v1/audit/checkpoint' })).json()
  const cases = [
    `/v1/audit/proofs/inclusion?leaf_index=0&tree_size=${checkpoint.tree_size + 1}`,
    `/v1/audit/proofs/inclusion?leaf_index=${checkpoint.tree_size}&tree_size=${checkpoint.tree_size}`,
    `/v1/audit/proofs/consistency?first=0&second=${checkpoint.tree_size}`,
    `/v1/audit/proofs/consistency?first=3&second=2`,
    '/v1/audit/proofs/inclusion?leaf_index=-1&tree_size=2',
  ]
  for (const url of cases) {
    const res = await regulator({ url })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().code, 'validation_failed')
  }
})

t.test(
  `an entry whose stored bytes were altered is listed without its parsed form, not as an error (${backend})`,
  async (t) => {
    const { database, regulator } = await busyLog(t)
    await database.db
      .updateTable('audit_entries')
      .set({ canonical: new Uint8Array(Buffer.from('{"v":1,"index":1,')) })
      .where('leaf_index', '=', 1)
      .execute()
    const res = await regulator({ url: '/v1/audit/entries?start=0&limit=3' })
    t.equal(res.statusCode, 200)
    const [first, altered] = res.json().data
    t.equal(first.entry.index, 0, 'an intact entry keeps its parsed form')
    t.equal(altered.index, 1)
    t.notOk('entry' in altered, 'the altered entry has no parsed form')
    t.equal(
      Buffer.from(altered.canonical, 'base64').toString(),
      '{"v":1,"index":1,',
      'its stored bytes are shown as they are',
    )
  },
)
