import { execFileSync, spawnSync } from 'node:child_process'
import { createPublicKey, verify } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ED25519, parseCheckpointText, parseSignedNote, parseVerifierKey } from '@hejie/merkle'
import t from 'tap'
import { nodeSha256 } from '../../src/services/audit/index.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

/**
 * The gateway's signed notes checked by an independent implementation: Go's
 * golang.org/x/mod/sumdb/note (Debian's golang-go and golang-golang-x-mod-dev, which
 * `.ci/run` installs). Missing Go fails this file: it is the interoperability check.
 */
const source = fileURLToPath(new URL('./interop/notes.go', import.meta.url))
const workDir = mkdtempSync(join(tmpdir(), 'hejie-go-notes-'))
t.teardown(() => rmSync(workDir, { recursive: true, force: true }))
const goEnv = {
  ...process.env,
  GO111MODULE: 'off',
  GOPATH: '/usr/share/gocode',
  GOCACHE: join(workDir, 'cache'),
}
const binary = join(workDir, 'notes')
execFileSync('go', ['build', '-o', binary, source], { env: goEnv, stdio: ['ignore', 'inherit', 'inherit'] })

function goNotes(args: string[], input: string) {
  const run = spawnSync(binary, args, { input, encoding: 'utf8' })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

t.test(
  `Go's note package verifies the gateway's checkpoint with its published note key (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const regulatorToken = await accessToken(app, await regulatorCredentials(database))
    const enterprise = await enrolEnterprise(app, regulatorToken, '甲')
    await intakeDispute(app, regulatorToken, enterprise.id)
    const checkpoint = (await as(app, regulatorToken)({ method: 'GET', url: '/v1/audit/checkpoint' })).json()
    const [key] = (await app.inject({ method: 'GET', url: '/v1/audit/note-keys' })).json().data

    const verified = goNotes(['verify', key.verifier_key], checkpoint.note)
    t.equal(verified.status, 0, verified.stderr)
    t.equal(verified.stdout, `${checkpoint.origin}\n${checkpoint.tree_size}\n${checkpoint.root_hash}\n`)

    const forged = checkpoint.note.replace(`\n${checkpoint.tree_size}\n`, `\n${checkpoint.tree_size + 1}\n`)
    t.not(goNotes(['verify', key.verifier_key], forged).status, 0, 'a note with another size does not verify')
  },
)

t.test("the gateway's note verifier accepts a note Go signs, with the verifier key Go made", async (t) => {
  const text = 'hejie.audit.v1\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'
  const signed = goNotes(['sign', 'hejie.audit.v1'], text)
  t.equal(signed.status, 0, signed.stderr)
  const [vkeyText, note] = signed.stdout.split('\n--\n') as [string, string]
  const vkey = parseVerifierKey(nodeSha256, vkeyText)
  t.equal(vkey.type, ED25519)
  const parsed = parseSignedNote(note)
  t.equal(parsed.text, text)
  t.same(parseCheckpointText(parsed.text).treeSize, 3)
  const [signature] = parsed.signatures
  t.equal(signature?.keyId, vkey.keyId, "our key id of Go's key is Go's")
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(vkey.publicKey).toString('base64url') },
    format: 'jwk',
  })
  t.ok(verify(null, Buffer.from(parsed.text), publicKey, signature?.signature as Uint8Array))
  t.notOk(
    verify(
      null,
      Buffer.from(parsed.text.replace('\n3\n', '\n4\n')),
      publicKey,
      signature?.signature as Uint8Array,
    ),
  )
})
