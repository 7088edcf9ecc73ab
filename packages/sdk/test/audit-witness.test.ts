import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto'
import { ED25519, formatSignatureLine, parseVerifierKey } from '@hejie/merkle'
import t from 'tap'
import { operator } from '../../gateway/src/domain/principal.js'
import { createClient } from '../../gateway/src/services/identity/clients.js'
import { backend } from '../../gateway/test/helpers/database.js'
import { sha256 } from '../src/audit/merkle.js'
import {
  ConflictError,
  generateWitnessKey,
  NoteVerificationError,
  noteVerifierKey,
  parseCheckpointNote,
  readWitnessKey,
  verifyCheckpointNote,
  verifyCosignatures,
  verifyWitnessedCheckpoint,
  WitnessKeyError,
  withCosignatures,
} from '../src/index.js'
import { complaint, enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'

const ORIGIN = 'hejie.audit.v1'
const root = (byte: number) => Buffer.alloc(32, byte).toString('base64')

/** A log's checkpoint key: signs notes as the gateway does, under the origin as key name. */
function logKey(origin = ORIGIN) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: `key_${origin.length}` }
  const vkey = noteVerifierKey(jwk, origin)
  const { keyId } = parseVerifierKey(sha256, vkey)
  const note = (size: number, rootHash: string, signer: KeyObject = privateKey) => {
    const text = `${origin}\n${size}\n${rootHash}\n`
    return `${text}\n${formatSignatureLine({ name: origin, keyId, signature: sign(null, Buffer.from(text), signer) })}`
  }
  return { jwk, vkey, note }
}

t.test(
  'a witness key is written in the note private key format and reads back as the same key',
  async (t) => {
    const pair = generateWitnessKey('auditor.example/w1')
    const [name, id] = pair.verifierKey.split('+')
    t.equal(name, 'auditor.example/w1')
    t.match(pair.privateKey, new RegExp(`^PRIVATE\\+KEY\\+auditor\\.example/w1\\+${id}\\+[A-Za-z0-9+/]{44}$`))
    t.equal(Buffer.from(pair.privateKey.split('+').slice(4).join('+'), 'base64')[0], 0x04, 'type 0x04')
    t.equal(parseVerifierKey(sha256, pair.verifierKey).type, 0x04, 'a cosignature verifier key')
    const key = readWitnessKey(`${pair.privateKey}\n`)
    t.same([key.name, key.keyId, key.verifierKey], ['auditor.example/w1', id, pair.verifierKey])
    t.not(generateWitnessKey('auditor.example/w1').privateKey, pair.privateKey, 'a new key each time')

    const [, ...rest] = pair.privateKey.split('+KEY+')
    const refused = [
      ['another prefix', `SECRET+KEY+${rest.join('+KEY+')}`, /begins with PRIVATE\+KEY\+/],
      [
        'a wrong key id',
        pair.privateKey.replace(`+${id}+`, '+00000000+'),
        /key id 00000000 .* does not match/,
      ],
      ['another name', pair.privateKey.replace('auditor.example/w1', 'auditor.example/w9'), /does not match/],
      [
        'a note signing key (type 0x01)',
        pair.privateKey.replace(/\+[A-Za-z0-9+/]{44}$/, (material) => {
          const bytes = Buffer.from(material.slice(1), 'base64')
          bytes[0] = 0x01
          return `+${bytes.toString('base64')}`
        }),
        /type 0x04/,
      ],
      ['no key at all', 'PRIVATE+KEY+w', /PRIVATE\+KEY\+<name>/],
    ] as const
    for (const [what, text, message] of refused) {
      t.throws(() => readWitnessKey(text), { name: 'WitnessKeyError', message }, what)
    }
    t.throws(() => generateWitnessKey('two words'), WitnessKeyError, 'a key name has no spaces')
  },
)

t.test("a checkpoint note verifies with the log's key and no other", async (t) => {
  const log = logKey()
  const note = log.note(7, root(1))
  t.match(verifyCheckpointNote(note, [log.vkey]), {
    origin: ORIGIN,
    treeSize: 7,
    rootHash: root(1),
    text: `${ORIGIN}\n7\n${root(1)}\n`,
    verifierKey: log.vkey,
  })
  t.match(parseCheckpointNote(note), { treeSize: 7, signatures: [{ name: ORIGIN }] })

  const other = logKey()
  t.throws(
    () => verifyCheckpointNote(note, [other.vkey]),
    { name: 'NoteVerificationError', message: /is signed by none of the log's keys/ },
    'another key of the same log',
  )
  t.same(verifyCheckpointNote(note, [other.vkey, log.vkey]).verifierKey, log.vkey, 'one of several keys')
  t.throws(
    () => verifyCheckpointNote(note, [logKey('other.log').vkey]),
    { message: /none of the log keys is named hejie\.audit\.v1/ },
    "another log's key",
  )
  const tampered = note.replace(`\n7\n`, '\n8\n')
  t.throws(
    () => verifyCheckpointNote(tampered, [log.vkey]),
    { message: /the signature of log key hejie\.audit\.v1\+[0-9a-f]{8} does not verify/ },
    'the size changed after signing',
  )
  const forged = log.note(7, root(1), generateKeyPairSync('ed25519').privateKey)
  t.throws(
    () => verifyCheckpointNote(forged, [log.vkey]),
    NoteVerificationError,
    "signed by another key under the log's key id",
  )
  t.throws(() => verifyCheckpointNote('not a note', [log.vkey]), { message: /^not a checkpoint note/ })
  const witness = generateWitnessKey('auditor.example/w1')
  t.throws(
    () => verifyCheckpointNote(note, [witness.verifierKey]),
    WitnessKeyError,
    "a witness's key signs no notes",
  )
})

t.test(
  'a cosignature verifies over the note it was made for, by the key it names, and nothing else',
  async (t) => {
    const log = logKey()
    const note = log.note(12, root(2))
    const w1 = generateWitnessKey('auditor.example/w1')
    const key = readWitnessKey(w1.privateKey)
    const line = key.cosign(note, 1_790_000_000)
    t.match(line, /^— auditor\.example\/w1 [A-Za-z0-9+/]+=*$/)
    const cosigned = withCosignatures(note, [{ line }])
    t.same(verifyCosignatures(cosigned, [w1.verifierKey]), {
      ok: true,
      threshold: 1,
      verified: [
        {
          name: 'auditor.example/w1',
          keyId: key.keyId,
          verifierKey: w1.verifierKey,
          timestamp: 1_790_000_000,
        },
      ],
      missing: [],
      failed: [],
    })
    t.equal(
      verifyCheckpointNote(cosigned, [log.vkey]).treeSize,
      12,
      "the log's note still verifies with the cosignature after it",
    )

    // Over another root: the same witness's line, moved onto another checkpoint.
    const elsewhere = withCosignatures(log.note(12, root(3)), [{ line }])
    t.match(verifyCosignatures(elsewhere, [w1.verifierKey]), {
      ok: false,
      verified: [],
      failed: [
        {
          name: 'auditor.example/w1',
          timestamp: 1_790_000_000,
          reason: /does not verify over this checkpoint/,
        },
      ],
    })
    // A line that claims the witness's name and key id, made with another key.
    const impostor = readWitnessKey(generateWitnessKey('auditor.example/w1').privateKey)
    const claimed = impostor.cosign(note, 1_790_000_001).replace(/ (\S+)$/, (_, material: string) => {
      const bytes = Buffer.from(material, 'base64')
      bytes.writeUInt32BE(Number.parseInt(key.keyId, 16), 0)
      return ` ${bytes.toString('base64')}`
    })
    t.match(verifyCosignatures(withCosignatures(note, [{ line: claimed }]), [w1.verifierKey]), {
      ok: false,
      failed: [{ name: 'auditor.example/w1' }],
    })
    // A witness the verifier does not require: its line is not counted.
    t.match(
      verifyCosignatures(withCosignatures(note, [{ line: impostor.cosign(note, 5) }]), [w1.verifierKey]),
      {
        ok: false,
        missing: [{ name: 'auditor.example/w1' }],
      },
    )
    t.throws(() => verifyCosignatures(cosigned, [log.vkey]), WitnessKeyError, "the log's key is no witness's")
    t.throws(
      () => key.cosign(`${ORIGIN}\n12\n${root(2)}\n`, 1),
      NoteVerificationError,
      'only a signed note is cosigned',
    )
  },
)

t.test('a threshold counts distinct required witnesses whose cosignatures verify', async (t) => {
  const log = logKey()
  const note = log.note(20, root(4))
  const [w1, w2, w3] = ['a.example/w', 'b.example/w', 'c.example/w'].map(generateWitnessKey)
  const lines = [w1!, w2!].map((pair, i) => ({ line: readWitnessKey(pair.privateKey).cosign(note, 100 + i) }))
  const cosigned = withCosignatures(note, lines)
  const all = [w1!.verifierKey, w2!.verifierKey, w3!.verifierKey]
  t.match(verifyCosignatures(cosigned, all), {
    ok: false,
    threshold: 3,
    verified: [{ name: 'a.example/w' }, { name: 'b.example/w' }],
    missing: [{ name: 'c.example/w' }],
  })
  t.equal(verifyCosignatures(cosigned, all, { threshold: 2 }).ok, true, 'two of three')
  t.equal(
    verifyCosignatures(cosigned, [w1!.verifierKey, w1!.verifierKey], { threshold: 1 }).verified.length,
    1,
    'a key named twice is one witness',
  )
  t.throws(
    () => verifyCosignatures(cosigned, [w1!.verifierKey, w1!.verifierKey], { threshold: 2 }),
    RangeError,
  )
  t.throws(() => verifyCosignatures(cosigned, all, { threshold: 4 }), RangeError)
  t.throws(() => verifyCosignatures(cosigned, all, { threshold: 0 }), RangeError)
})

t.test("a checkpoint's JSON with its note and cosignatures is checked against a trust policy", async (t) => {
  const log = logKey()
  const w1 = generateWitnessKey('auditor.example/w1')
  const note = log.note(30, root(5))
  const line = readWitnessKey(w1.privateKey).cosign(note, 1_800_000_000)
  const checkpoint = {
    origin: ORIGIN,
    tree_size: 30,
    root_hash: root(5),
    note,
    cosignatures: [{ witness: 'auditor.example/w1', timestamp: 1_800_000_000, line }],
  }
  const policy = { logKeys: [log.jwk], witnesses: [w1.verifierKey] }
  t.match(verifyWitnessedCheckpoint(checkpoint, policy), {
    ok: true,
    note: { ok: true, kid: log.jwk.kid },
    verified: [{ name: 'auditor.example/w1' }],
  })
  t.match(verifyWitnessedCheckpoint({ ...checkpoint, note: undefined }, policy), {
    ok: false,
    note: { ok: false, message: /carries no signed note/ },
    verified: [{ name: 'auditor.example/w1' }],
  })
  t.match(verifyWitnessedCheckpoint({ ...checkpoint, note: log.note(30, root(6)) }, policy), {
    ok: false,
    note: { ok: false, message: /is of another checkpoint \(size 30, root/ },
  })
  t.match(verifyWitnessedCheckpoint({ ...checkpoint, root_hash: root(6) }, policy), {
    ok: false,
    failed: [{ name: 'auditor.example/w1' }],
  })
  t.match(verifyWitnessedCheckpoint(checkpoint, { ...policy, logKeys: [logKey().jwk] }), {
    ok: false,
    note: { ok: false, message: /does not verify/ },
  })
  t.match(verifyWitnessedCheckpoint({ ...checkpoint, cosignatures: [] }, policy), {
    ok: false,
    missing: [{ name: 'auditor.example/w1' }],
    message: /no cosignature from auditor\.example\/w1/,
  })
})

t.test(
  `a witness client reads the note and note keys and submits a cosignature through the SDK, safely repeated (${backend})`,
  async (t) => {
    const { baseUrl, database, regulator } = await gatewayWithRegulator(t)
    const company = await enrolEnterprise(regulator, '苏州园区电器有限公司')
    await regulator.disputes.create(complaint(company.enterprise.id))
    const pair = generateWitnessKey('auditor.example/sdk')
    const { body } = await createClient(
      database,
      { actor: operator, requestId: 'test-witness' },
      { name: 'SDK witness', role: 'witness', enterpriseId: null, witnessKey: pair.verifierKey },
    )
    const witness = sdkClient(t, baseUrl, {
      clientId: body.client_id,
      clientSecret: body.client_secret ?? '',
    })

    const keys = await witness.audit.noteKeys()
    t.match(keys, { object: 'list', data: [{ object: 'note_key', kid: /^key_/, current: true }] })
    const note = await witness.audit.checkpointNote()
    const verified = verifyCheckpointNote(
      note,
      keys.data.map((key) => key.verifier_key),
    )
    const now = Math.floor(Date.now() / 1000)
    const cosignature = readWitnessKey(pair.privateKey).cosign(note, now)
    const params = { tree_size: verified.treeSize, cosignature }
    const first = await witness.audit.cosign(params, { idempotencyKey: 'cosign-1' })
    t.same(first, {
      object: 'cosignature',
      witness: 'auditor.example/sdk',
      tree_size: verified.treeSize,
      timestamp: now,
      line: cosignature,
    })
    t.same(
      await witness.audit.cosign(params, { idempotencyKey: 'cosign-1' }),
      first,
      'a repeat with its key replays the answer',
    )
    await t.rejects(witness.audit.cosign(params), ConflictError, 'a new call with the same time is stale')

    const checkpoint = await regulator.audit.checkpoint()
    t.match(
      verifyWitnessedCheckpoint(checkpoint, {
        logKeys: keys.data.map((key) => key.verifier_key),
        witnesses: [pair.verifierKey],
      }),
      { ok: true, note: { ok: true } },
    )
    t.match(verifyCosignatures(await regulator.audit.checkpointNote(), [pair.verifierKey]), { ok: true })
    t.equal(
      ED25519,
      parseVerifierKey(sha256, keys.data[0]!.verifier_key).type,
      'the note key is a note signing key',
    )
  },
)
