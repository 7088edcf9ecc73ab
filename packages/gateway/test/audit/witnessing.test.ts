import { createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto'
import {
  COSIGNATURE_V1,
  cosignedMessage,
  ED25519,
  formatSignatureLine,
  formatVerifierKey,
  noteKeyId,
  parseCheckpointText,
  parseSignedNote,
  parseVerifierKey,
  timestampedSignature,
} from '@hejie/merkle'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { operator } from '../../src/domain/principal.js'
import { noteKeys, nodeSha256 as sha256 } from '../../src/services/audit/index.js'
import { createClient } from '../../src/services/identity/clients.js'
import { Identity } from '../../src/services/identity/identity.js'
import type { Database } from '../../src/storage/database.js'
import { testApp, testConfig } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const rawKey = (key: KeyObject) => new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(-32))
const publicKeyOf = (raw: Uint8Array) =>
  createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  })

/** A witness: its own Ed25519 key, its verifier key, and a client of the gateway. */
async function enrolWitness(app: FastifyInstance, database: Database, name: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const vkey = formatVerifierKey(sha256, name, COSIGNATURE_V1, rawKey(publicKey))
  const { body } = await createClient(
    database,
    { actor: operator, requestId: 'test-witness' },
    { name: `witness ${name}`, role: 'witness', enterpriseId: null, witnessKey: vkey },
  )
  const token = await accessToken(app, { clientId: body.client_id, clientSecret: body.client_secret ?? '' })
  const key = parseVerifierKey(sha256, vkey)
  /** The cosignature line of this witness over a checkpoint's note text, at `timestamp`. */
  const cosign = (text: string, timestamp: number, signer = privateKey) =>
    formatSignatureLine({
      name,
      keyId: key.keyId,
      signature: timestampedSignature(timestamp, sign(null, cosignedMessage(timestamp, text), signer)),
    }).trimEnd()
  return { vkey, token, cosign, call: as(app, token) }
}

async function logWithEntries(t: Test) {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const enterprise = await enrolEnterprise(app, regulatorToken, '甲')
  await intakeDispute(app, regulatorToken, enterprise.id)
  return { app, database, regulator: as(app, regulatorToken), enterprise }
}

t.test(`a checkpoint is also a C2SP signed note that its note key verifies (${backend})`, async (t) => {
  const { app, regulator } = await logWithEntries(t)
  const checkpoint = (await regulator({ method: 'GET', url: '/v1/audit/checkpoint' })).json()
  const note = parseSignedNote(checkpoint.note)
  t.same(parseCheckpointText(note.text), {
    origin: checkpoint.origin,
    treeSize: checkpoint.tree_size,
    rootHash: checkpoint.root_hash,
    extensions: [],
  })
  const keys = (await app.inject({ method: 'GET', url: '/v1/audit/note-keys' })).json()
  t.equal(keys.data.length, 1, 'one checkpoint key, published without a token')
  const vkey = parseVerifierKey(sha256, keys.data[0].verifier_key)
  t.equal(vkey.name, checkpoint.origin, 'the key name is the origin')
  t.equal(vkey.type, ED25519)
  const [signature] = note.signatures
  t.equal(signature?.keyId, vkey.keyId)
  t.ok(verify(null, Buffer.from(note.text), publicKeyOf(vkey.publicKey), signature?.signature as Uint8Array))

  const jwk = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json().keys[0]
  t.same(vkey.publicKey, new Uint8Array(Buffer.from(jwk.x, 'base64url')), 'the same key as the JWS form')

  const text = await regulator({
    method: 'GET',
    url: '/v1/audit/checkpoint',
    headers: { accept: 'text/x.tlog-checkpoint' },
  })
  t.equal(text.statusCode, 200)
  t.match(text.headers['content-type'], /^text\/x\.tlog-checkpoint/)
  t.equal(text.body, checkpoint.note, 'the text form is the note')
})

t.test(
  `a witness cosigns a checkpoint the gateway signed, and the checkpoint then carries it (${backend})`,
  async (t) => {
    const { app, database, regulator } = await logWithEntries(t)
    const witness = await enrolWitness(app, database, 'auditor.example/w1')
    const checkpoint = (await witness.call({ method: 'GET', url: '/v1/audit/checkpoint' })).json()
    const text = parseSignedNote(checkpoint.note).text
    const line = witness.cosign(text, 1_790_000_000)
    const posted = await witness.call({
      method: 'POST',
      url: '/v1/audit/cosignatures',
      payload: { tree_size: checkpoint.tree_size, cosignature: line },
    })
    t.equal(posted.statusCode, 201, posted.body)
    t.match(posted.json(), {
      object: 'cosignature',
      witness: 'auditor.example/w1',
      tree_size: checkpoint.tree_size,
    })

    const after = (await regulator({ method: 'GET', url: '/v1/audit/checkpoint' })).json()
    t.same(after.cosignatures, [{ witness: 'auditor.example/w1', timestamp: 1_790_000_000, line }])
    const note = (
      await regulator({
        method: 'GET',
        url: '/v1/audit/checkpoint',
        headers: { accept: 'text/x.tlog-checkpoint' },
      })
    ).body
    const signatures = parseSignedNote(note).signatures
    t.equal(signatures.length, 2, "the log's signature and the witness's")
    t.equal(signatures[1]?.name, 'auditor.example/w1')
    t.equal(
      signatures[1]?.keyId,
      noteKeyId(
        sha256,
        'auditor.example/w1',
        COSIGNATURE_V1,
        parseVerifierKey(sha256, witness.vkey).publicKey,
      ),
    )
  },
)

t.test(
  `cosignatures that are not the witness's, not newer, or not over a signed checkpoint are refused and change nothing (${backend})`,
  async (t) => {
    const { app, database, regulator, enterprise } = await logWithEntries(t)
    const witness = await enrolWitness(app, database, 'auditor.example/w2')
    const other = await enrolWitness(app, database, 'auditor.example/w3')
    const checkpoint = (await witness.call({ method: 'GET', url: '/v1/audit/checkpoint' })).json()
    const text = parseSignedNote(checkpoint.note).text
    const post = (cosignature: string, treeSize = checkpoint.tree_size, caller = witness.call) =>
      caller({ method: 'POST', url: '/v1/audit/cosignatures', payload: { tree_size: treeSize, cosignature } })

    t.equal((await post(witness.cosign(text, 1_700_000_100))).statusCode, 201)
    const { privateKey: stranger } = generateKeyPairSync('ed25519')
    const refused = [
      ['the same time again', await post(witness.cosign(text, 1_700_000_100)), 409, 'cosignature_stale'],
      ['an earlier time', await post(witness.cosign(text, 1_700_000_000)), 409, 'cosignature_stale'],
      ["another witness's line", await post(other.cosign(text, 1_700_000_200)), 422, 'cosignature_invalid'],
      [
        'signed by another key',
        await post(witness.cosign(text, 1_700_000_300, stranger)),
        422,
        'cosignature_invalid',
      ],
      [
        'over another root',
        await post(
          witness.cosign(
            text.replace(checkpoint.root_hash, Buffer.alloc(32).toString('base64')),
            1_700_000_400,
          ),
        ),
        422,
        'cosignature_invalid',
      ],
      [
        'for a size never signed',
        await post(witness.cosign(text, 1_700_000_500), checkpoint.tree_size + 7),
        404,
        'not_found',
      ],
      ['a line that is no signature', await post('— auditor.example/w2 !!'), 422, 'cosignature_invalid'],
      ['from the far future', await post(witness.cosign(text, 4_000_000_000)), 422, 'cosignature_invalid'],
      [
        'by a regulator',
        await post(witness.cosign(text, 1_700_000_600), checkpoint.tree_size, regulator),
        403,
        'forbidden',
      ],
      [
        'by an enterprise',
        await post(witness.cosign(text, 1_700_000_700), checkpoint.tree_size, as(app, enterprise.token)),
        403,
        'forbidden',
      ],
    ] as const
    for (const [what, res, status, code] of refused) {
      t.equal(res.statusCode, status, `${what}: ${status}`)
      t.equal(res.json().code, code, `${what}: ${code}`)
    }
    const after = (await regulator({ method: 'GET', url: '/v1/audit/checkpoint' })).json()
    t.same(
      after.cosignatures.map((c: { timestamp: number }) => c.timestamp),
      [1_700_000_100],
      'only the one good cosignature is kept',
    )
  },
)

t.test(`a witness reads checkpoints and consistency proofs and nothing else (${backend})`, async (t) => {
  const { app, database } = await logWithEntries(t)
  const witness = await enrolWitness(app, database, 'auditor.example/w4')
  const allowed = ['/v1/audit/checkpoint', '/v1/audit/proofs/consistency?first=1&second=2', '/v1/me']
  for (const url of allowed) t.equal((await witness.call({ method: 'GET', url })).statusCode, 200, url)
  const denied = [
    '/v1/audit/entries?start=0',
    '/v1/audit/proofs/inclusion?leaf_index=0&tree_size=2',
    '/v1/audit/export',
    '/v1/disputes',
    '/v1/enterprises',
    '/v1/events',
    '/v1/stats',
    '/v1/webhook-endpoints',
  ]
  for (const url of denied) t.equal((await witness.call({ method: 'GET', url })).statusCode, 403, url)
})

t.test(
  `note keys keep every checkpoint key after a rotation, the new one current (${backend})`,
  async (t) => {
    const { database } = await logWithEntries(t)
    const identity = new Identity(testConfig({ keyActivationDelayMs: 0 }), database)
    await identity.load()
    const before = noteKeys(identity.keys, 'hejie.audit.v1', identity.keys.signingKey().kid)
    t.equal(before.length, 1)
    const rotated = await identity.keys.rotate()
    const after = noteKeys(identity.keys, 'hejie.audit.v1', identity.keys.signingKey().kid)
    t.same(
      after.map((key) => [key.kid, key.current]),
      [
        [before[0]?.kid, false],
        [rotated, true],
      ],
    )
    t.equal(after[0]?.verifier_key, before[0]?.verifier_key, 'a retired key keeps its verifier key')
  },
)

t.test(
  `a checkpoint signed anew for a cosigned size, over another root, shows none of the old cosignatures (${backend})`,
  async (t) => {
    const { app, database, regulator } = await logWithEntries(t)
    const witness = await enrolWitness(app, database, 'auditor.example/w5')
    const checkpoint = (await witness.call({ method: 'GET', url: '/v1/audit/checkpoint' })).json()
    const line = witness.cosign(parseSignedNote(checkpoint.note).text, 1_700_000_000)
    const posted = await witness.call({
      method: 'POST',
      url: '/v1/audit/cosignatures',
      payload: { tree_size: checkpoint.tree_size, cosignature: line },
    })
    t.equal(posted.statusCode, 201)
    // The log rewritten behind the gateway's back: the same size, another root.
    await database.db
      .updateTable('audit_checkpoints')
      .set({ root_hash: new Uint8Array(32), note: null })
      .where('tree_size', '=', checkpoint.tree_size)
      .execute()
    const rewritten = (await regulator({ method: 'GET', url: '/v1/audit/checkpoint' })).json()
    t.equal(rewritten.tree_size, checkpoint.tree_size)
    t.not(rewritten.root_hash, checkpoint.root_hash)
    t.same(rewritten.cosignatures, [], 'the cosignature of the old root is not shown on the new one')
  },
)
