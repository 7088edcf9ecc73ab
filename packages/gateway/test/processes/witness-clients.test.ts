import { generateKeyPairSync } from 'node:crypto'
import { COSIGNATURE_V1, ED25519, formatVerifierKey } from '@hejie/merkle'
import t from 'tap'
import { nodeSha256 as sha256 } from '../../src/services/audit/index.js'
import { backend } from '../helpers/database.js'
import { runGateway, sharedDatabase } from '../helpers/process.js'

function verifierKey(name: string, type: number): string {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  return formatVerifierKey(sha256, name, type, new Uint8Array(raw))
}

t.test(
  `the operator registers a witness with its verifier key at the command line (${backend})`,
  async (t) => {
    const { database, env } = await sharedDatabase(t)
    const vkey = verifierKey('auditor.example/w1', COSIGNATURE_V1)
    const created = runGateway(
      ['clients', 'create', '--role', 'witness', '--name', 'auditor', '--witness-key', vkey],
      env,
    )
    t.same(await created.exited, { code: 0, signal: null }, created.output.join('\n'))
    t.ok(created.output.some((line) => /^role:\s+witness$/.test(line)))
    t.ok(created.output.some((line) => /^scopes:\s+audit:read audit:cosign$/.test(line)))
    const stored = await database.db
      .selectFrom('api_clients')
      .select(['role', 'witness_key'])
      .where('role', '=', 'witness')
      .execute()
    t.same(stored, [{ role: 'witness', witness_key: vkey }])
  },
)

t.test(
  `a witness without a key, a key of the wrong kind, or a key on another role is refused and nothing is made (${backend})`,
  async (t) => {
    const { database, env } = await sharedDatabase(t)
    const refused: [string, string[]][] = [
      ['a witness without --witness-key', ['--role', 'witness']],
      [
        'a note-signing key instead of a cosignature key',
        ['--role', 'witness', '--witness-key', verifierKey('w', ED25519)],
      ],
      ['a key that is not a verifier key', ['--role', 'witness', '--witness-key', 'not-a-key']],
      [
        'a regulator with a witness key',
        ['--role', 'regulator', '--witness-key', verifierKey('w', COSIGNATURE_V1)],
      ],
    ]
    for (const [what, args] of refused) {
      const run = runGateway(['clients', 'create', '--name', 'x', ...args], env)
      t.equal((await run.exited).code, 1, what)
      t.match(run.output.join('\n'), /witness/, `${what}: the message names the witness key`)
    }
    const before = await database.db.selectFrom('api_clients').select('id').execute()
    t.equal(before.length, 1, 'only the regulator made with the database')
  },
)
