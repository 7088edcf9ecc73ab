import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import t from 'tap'
import {
  COSIGNATURE_V1,
  cosignedMessage,
  ED25519,
  formatCheckpointText,
  formatSignatureLine,
  formatVerifierKey,
  NoteError,
  noteKeyId,
  parseCheckpointText,
  parseSignedNote,
  parseTimestampedSignature,
  parseVerifierKey,
  timestampedSignature,
} from '../src/index.js'
import { sha256 } from './helpers/node-merkle.js'

/** An Ed25519 public key from its 32 raw bytes, for node:crypto's verify. */
function ed25519Key(raw: Uint8Array) {
  return createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]),
    format: 'der',
    type: 'spki',
  })
}

t.test("c2sp.org/signed-note's own example verifies with its verifier key", async (t) => {
  const vkey = parseVerifierKey(
    sha256,
    'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
  )
  t.equal(vkey.name, 'example.com/foo')
  t.equal(vkey.keyId, 0x530d903a)
  t.equal(vkey.type, ED25519)
  const note = parseSignedNote(
    'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n',
  )
  t.equal(note.text, 'This is an example message.\n')
  const [signature] = note.signatures
  t.match(signature, { name: 'example.com/foo', keyId: 0x530d903a })
  t.ok(
    verify(null, Buffer.from(note.text), ed25519Key(vkey.publicKey), signature?.signature as Uint8Array),
    'the signature verifies over the note text',
  )
  t.notOk(
    verify(
      null,
      Buffer.from('This is another message.\n'),
      ed25519Key(vkey.publicKey),
      signature?.signature as Uint8Array,
    ),
    'and not over another text',
  )
})

t.test(
  "c2sp.org/tlog-cosignature's example line carries its key id and the example's timestamp",
  async (t) => {
    const note = parseSignedNote(
      [
        'example.com/behind-the-sofa',
        '20852163',
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
        '',
        '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=',
        '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
        '',
      ].join('\n'),
    )
    t.same(parseCheckpointText(note.text), {
      origin: 'example.com/behind-the-sofa',
      treeSize: 20852163,
      rootHash: 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
      extensions: [],
    })
    const cosignature = note.signatures[1]
    t.equal(cosignature?.name, 'witness.example.com/w1')
    const { timestamp, signature } = parseTimestampedSignature(cosignature?.signature as Uint8Array)
    t.equal(timestamp, 1679315147, 'the time the spec shows in its signed message example')
    t.equal(signature.length, 64)
    t.equal(
      new TextDecoder().decode(cosignedMessage(timestamp, note.text)),
      'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
      'the signed message is byte for byte the one the spec shows',
    )
  },
)

t.test('a cosignature made here verifies with the vkey made here, and nothing else does', async (t) => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  const vkey = formatVerifierKey(sha256, 'auditor.example/w1', COSIGNATURE_V1, raw)
  const parsed = parseVerifierKey(sha256, vkey)
  t.equal(parsed.keyId, noteKeyId(sha256, 'auditor.example/w1', COSIGNATURE_V1, raw))
  const text = formatCheckpointText({
    origin: 'hejie.audit.v1',
    treeSize: 7,
    rootHash: 'A'.repeat(43) + '=',
    extensions: [],
  })
  const signed = sign(null, cosignedMessage(1700000000, text), privateKey)
  const line = formatSignatureLine({
    name: parsed.name,
    keyId: parsed.keyId,
    signature: timestampedSignature(1700000000, signed),
  })
  const [back] = parseSignedNote(`${text}\n${line}`).signatures
  const stamped = parseTimestampedSignature(back?.signature as Uint8Array)
  t.equal(stamped.timestamp, 1700000000)
  t.ok(
    verify(null, cosignedMessage(stamped.timestamp, text), ed25519Key(parsed.publicKey), stamped.signature),
  )
  t.notOk(
    verify(
      null,
      cosignedMessage(stamped.timestamp + 1, text),
      ed25519Key(parsed.publicKey),
      stamped.signature,
    ),
    'a cosignature does not verify at another time',
  )
})

t.test('malformed notes, keys and checkpoints are refused with a NoteError', async (t) => {
  const cases: [string, () => unknown][] = [
    ['a note without a blank line', () => parseSignedNote('text\n— a AAAAAAA=\n')],
    ['a note with a control character', () => parseSignedNote('te\u0000xt\n\n— a AAAAAAAA\n')],
    ['a signature line without the em dash', () => parseSignedNote('text\n\n- a AAAAAAAA\n')],
    ['a signature too short for a key id', () => parseSignedNote('text\n\n— a AAA=\n')],
    [
      'a vkey whose id does not match',
      () => parseVerifierKey(sha256, 'example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'),
    ],
    [
      'a vkey with a space in its name',
      () => parseVerifierKey(sha256, 'a b+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'),
    ],
    ['a checkpoint of two lines', () => parseCheckpointText('origin\n5\n')],
    [
      'a checkpoint size with a leading zero',
      () => parseCheckpointText('origin\n05\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'),
    ],
    ['a root hash of the wrong length', () => parseCheckpointText('origin\n5\nAAAA\n')],
  ]
  for (const [what, parse] of cases) t.throws(parse, NoteError, what)
})
