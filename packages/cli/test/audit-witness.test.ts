import { generateKeyPairSync } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateWitnessKey, leafHash, noteVerifierKey, verifyCosignatures } from '@hejie/sdk'
import t, { type Test } from 'tap'
import { operator } from '../../gateway/src/domain/principal.js'
import { createClient } from '../../gateway/src/services/identity/clients.js'
import { backend } from '../../gateway/test/helpers/database.js'
import { testUscc } from '../../gateway/test/helpers/identity.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  sdkClient,
} from '../../sdk/test/helpers/gateway.js'
import { runCli } from './helpers/cli.js'

const ALARM = 3
const FAILED = 3

const dir = mkdtempSync(join(tmpdir(), 'hejie-witness-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string) => join(dir, name)

// One gateway for the file, on a fresh database that the last tests rewrite behind its back.
// It signs a checkpoint a tenth of a second after entries arrive, as it does every 30 s in
// production.
const { regulator, baseUrl, database, regulatorCredentials } = await gatewayWithRegulator(t, {
  config: { checkpointIntervalMs: 100 },
})
const db = database.db
const asRegulator = {
  HEJIE_CLIENT_ID: regulatorCredentials.clientId,
  HEJIE_CLIENT_SECRET: regulatorCredentials.clientSecret,
}
let asWitness: Record<string, string> = {}

/** `hejie` run to its end, its output and exit code. */
async function hejie(t: Test, args: string[], env: Record<string, string>) {
  const run = runCli(t, args, env)
  const { code } = await run.exited
  return { code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n') }
}

const witnessRound = (t: Test, state = file('witness')) =>
  hejie(
    t,
    ['audit', 'witness', '--gateway', baseUrl, '--key', file('witness.key'), '--state', state, '--once'],
    asWitness,
  )
const monitorRound = (t: Test, state = file('monitor')) =>
  hejie(t, ['audit', 'monitor', '--gateway', baseUrl, '--state', state, '--once'], asRegulator)

let exports = 0
async function exportBundle(t: Test): Promise<string> {
  exports += 1
  const bundle = file(`bundle-${exports}.ndjson`)
  const run = await hejie(t, ['audit', 'export', '-o', bundle], { ...asRegulator, HEJIE_BASE_URL: baseUrl })
  if (run.code !== 0) throw new Error(`hejie audit export failed: ${run.stderr}`)
  return bundle
}

/** Waits until the gateway has signed a checkpoint of every entry written so far. */
async function settledCheckpoint() {
  const { size } = await db
    .selectFrom('audit_entries')
    .select((eb) => eb.fn.countAll<number | string>().as('size'))
    .executeTakeFirstOrThrow()
  for (let tries = 0; tries < 200; tries += 1) {
    const checkpoint = await regulator.audit.checkpoint()
    if (checkpoint.tree_size === Number(size)) return checkpoint
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no checkpoint of size ${size} was signed`)
}

const lastCosignature = async () =>
  Number(
    (
      await db
        .selectFrom('audit_cosignatures')
        .select((eb) => eb.fn.max('timestamp').as('timestamp'))
        .executeTakeFirstOrThrow()
    ).timestamp ?? 0,
  )

// A history to witness: an enterprise and its disputes.
const company = await enrolEnterprise(regulator, '杭州好物电子商务有限公司')
const enterprise = sdkClient(t, baseUrl, company.credentials)
async function moreHistory(disputes: number) {
  for (let i = 0; i < disputes; i += 1) {
    const dispute = await regulator.disputes.create(complaint(company.enterprise.id))
    await enterprise.disputes.accept(dispute.id)
  }
}
await moreHistory(3)

let vkey = ''
const cosigned: { size: number; root: string; timestamp: number }[] = []

t.test(
  `a witness key is made with its private half in a file of its own, and registered as a witness client (${backend})`,
  async (t) => {
    const made = await hejie(
      t,
      ['audit', 'witness', 'keygen', '--name', 'auditor.example/w1', '--out', file('witness.key')],
      {},
    )
    t.equal(made.code, 0, made.stderr)
    vkey = made.stdout.trim()
    t.match(
      vkey,
      /^auditor\.example\/w1\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/,
      'the verifier key on standard output',
    )
    t.match(made.stderr, /Private key written to .*witness\.key \(mode 0600\)/)
    const key = readFileSync(file('witness.key'), 'utf8')
    t.match(key, new RegExp(`^PRIVATE\\+KEY\\+auditor\\.example/w1\\+${vkey.split('+')[1]}\\+\\S+\\n$`))
    t.equal(statSync(file('witness.key')).mode & 0o777, 0o600)

    const again = await hejie(
      t,
      ['audit', 'witness', 'keygen', '--name', 'auditor.example/w1', '--out', file('witness.key')],
      {},
    )
    t.equal(again.code, 1)
    t.match(again.stderr, /witness\.key exists: a witness key is never overwritten/)
    t.equal(readFileSync(file('witness.key'), 'utf8'), key, 'the key is left as it was')

    const { body } = await createClient(
      database,
      { actor: operator, requestId: 'test-witness' },
      { name: 'Witness w1', role: 'witness', enterpriseId: null, witnessKey: vkey },
    )
    asWitness = { HEJIE_CLIENT_ID: body.client_id, HEJIE_CLIENT_SECRET: body.client_secret ?? '' }
  },
)

t.test(
  `the witness cosigns the checkpoint once it has checked it, and the checkpoint then carries the cosignature (${backend})`,
  async (t) => {
    const checkpoint = await settledCheckpoint()
    const run = await witnessRound(t)
    t.equal(run.code, 0, run.stderr)
    t.match(run.stderr, /Pinned the log's checkpoint key \(key_\w+\) in .*log-keys\.json/)
    const match = /^Cosigned size (\d+), root (\S+), time (\d+): the first checkpoint this witness sees/.exec(
      run.stdout,
    )
    t.ok(match, run.stdout)
    t.equal(Number(match?.[1]), checkpoint.tree_size)
    t.equal(match?.[2], checkpoint.root_hash)
    const timestamp = Number(match?.[3])
    t.ok(Math.abs(timestamp - Date.now() / 1000) < 60, 'cosigned with the current time')
    cosigned.push({ size: checkpoint.tree_size, root: checkpoint.root_hash, timestamp })

    const after = await regulator.audit.checkpoint()
    t.same(
      after.cosignatures.map(({ witness, timestamp }) => ({ witness, timestamp })),
      [{ witness: 'auditor.example/w1', timestamp }],
    )
    const note = await regulator.audit.checkpointNote()
    t.match(verifyCosignatures(note, [vkey]), {
      ok: true,
      verified: [{ name: 'auditor.example/w1', timestamp }],
    })
    const state = JSON.parse(readFileSync(file('witness/checkpoint.json'), 'utf8'))
    t.match(state, {
      format: 'hejie-witness-state/1',
      tree_size: checkpoint.tree_size,
      root_hash: checkpoint.root_hash,
      timestamp,
    })
    t.equal(readFileSync(file('witness/checkpoint.note'), 'utf8'), note, 'the note it cosigned is kept')
  },
)

t.test(
  `the monitor verifies the checkpoint and every entry in it, then each later checkpoint and its new entries (${backend})`,
  async (t) => {
    const checkpoint = await settledCheckpoint()
    const first = await monitorRound(t)
    t.equal(first.code, 0, first.stderr)
    t.match(
      first.stdout,
      `Checkpoint size ${checkpoint.tree_size}, root ${checkpoint.root_hash}: signed by log key `,
    )
    t.match(
      first.stdout,
      `the first checkpoint this monitor sees; entries 0–${checkpoint.tree_size} (${checkpoint.tree_size}) each in the tree.`,
    )
    t.match(first.stdout, 'Cosignatures shown (not checked here): auditor.example/w1.')

    const same = await monitorRound(t)
    t.equal(same.code, 0, same.stderr)
    t.match(same.stdout, 'the same checkpoint as before; no new entries.')
  },
)

t.test(
  `after new entries the witness checks consistency and cosigns again with a later time, and so does the monitor (${backend})`,
  async (t) => {
    await moreHistory(2)
    const checkpoint = await settledCheckpoint()
    const previous = cosigned[0]!
    t.ok(checkpoint.tree_size > previous.size)
    const run = await witnessRound(t)
    t.equal(run.code, 0, run.stderr)
    const match =
      /^Cosigned size (\d+), root (\S+), time (\d+): it extends size (\d+) \(root (\S+)\), cosigned before\.$/.exec(
        run.stdout,
      )
    t.ok(match, run.stdout)
    t.same(match?.slice(1, 3), [String(checkpoint.tree_size), checkpoint.root_hash])
    t.same(match?.slice(4, 6), [String(previous.size), previous.root])
    const timestamp = Number(match?.[3])
    t.ok(timestamp > previous.timestamp, 'the second cosignature is later than the first')
    cosigned.push({ size: checkpoint.tree_size, root: checkpoint.root_hash, timestamp })
    t.same(
      (await regulator.audit.checkpoint()).cosignatures.map((cosignature) => cosignature.timestamp),
      [timestamp],
    )

    const monitored = await monitorRound(t)
    t.equal(monitored.code, 0, monitored.stderr)
    t.match(
      monitored.stdout,
      `it extends size ${previous.size} (root ${previous.root}); entries ${previous.size}–${checkpoint.tree_size} (${checkpoint.tree_size - previous.size}) each in the tree.`,
    )
  },
)

t.test(
  `hejie audit verify --require-witness passes on a bundle whose checkpoint the witness cosigned, and names the witnesses that did not (${backend})`,
  async (t) => {
    const bundle = await exportBundle(t)
    const stranger = generateWitnessKey('auditor.example/w2').verifierKey
    const ok = await hejie(t, ['audit', 'verify', bundle, '--require-witness', vkey], {})
    t.equal(ok.code, 0, ok.stdout + ok.stderr)
    t.match(ok.stdout, /^Note\s+ok: the signed note is this checkpoint, signed by key key_\w+$/m)
    t.match(
      ok.stdout,
      /^Witnesses\s+ok: 1 of 1 required witnesses cosigned, 1 needed \(auditor\.example\/w1 at \d{4}-/m,
    )
    t.match(ok.stdout, /^Result\s+VERIFIED$/m)

    const both = ['--require-witness', vkey, '--require-witness', stranger]
    const all = await hejie(t, ['audit', 'verify', bundle, ...both], {})
    t.equal(all.code, FAILED, 'both witnesses required, one cosigned')
    t.match(all.stdout, /^Witnesses\s+FAILED: 1 of 2 required witnesses cosigned, 2 needed/m)
    t.match(
      all.stdout,
      /^Witnesses without a valid cosignature:\n {2}auditor\.example\/w2 \(key [0-9a-f]{8}\): no cosignature of this checkpoint$/m,
    )
    const one = await hejie(t, ['audit', 'verify', bundle, ...both, '--witness-threshold', '1'], {})
    t.equal(one.code, 0, 'one of the two is enough with --witness-threshold 1')

    const logKey = await hejie(
      t,
      [
        'audit',
        'verify',
        bundle,
        '--require-witness',
        (await regulator.audit.noteKeys()).data[0]!.verifier_key,
      ],
      {},
    )
    t.equal(logKey.code, 1, "the log's own key is no witness's: a usage error")
    t.match(logKey.stderr, /--require-witness: .* is not a witness's key/)
    const threshold = await hejie(t, ['audit', 'verify', bundle, ...both, '--witness-threshold', '3'], {})
    t.equal(threshold.code, 1)
    t.match(
      threshold.stderr,
      /--witness-threshold: the threshold is a whole number from 1 to the 2 witnesses/,
    )
  },
)

t.test(
  `a checkpoint whose note does not verify with the pinned log key is refused with an alarm, and nothing is cosigned (${backend})`,
  async (t) => {
    const before = await lastCosignature()
    // The pinned key replaced by another: the gateway's own key then no longer matches.
    cpSync(file('witness'), file('witness-swapped'), { recursive: true })
    const other = noteVerifierKey(
      generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }),
      'hejie.audit.v1',
    )
    writeFileSync(
      file('witness-swapped/log-keys.json'),
      JSON.stringify({
        format: 'hejie-log-keys/1',
        keys: [{ verifier_key: other, kid: 'key_elsewhere', pinned_at: new Date().toISOString() }],
      }),
    )
    const swapped = await witnessRound(t, file('witness-swapped'))
    t.equal(swapped.code, ALARM, swapped.stdout)
    t.match(
      swapped.stderr,
      /^hejie: ALARM: KEY SWAP: the gateway no longer lists any of the 1 log keys pinned/m,
    )
    t.match(swapped.stderr, /Refusing to cosign\./)

    // The stored note's signature altered: the gateway serves a note its key did not sign.
    const latest = await db
      .selectFrom('audit_checkpoints')
      .select(['tree_size', 'note'])
      .orderBy('tree_size', 'desc')
      .executeTakeFirstOrThrow()
    const note = latest.note as string
    const at = note.lastIndexOf(' ') + 10
    const forged = note.slice(0, at) + (note[at] === 'A' ? 'B' : 'A') + note.slice(at + 1)
    await db
      .updateTable('audit_checkpoints')
      .set({ note: forged })
      .where('tree_size', '=', latest.tree_size)
      .execute()
    t.teardown(() =>
      db.updateTable('audit_checkpoints').set({ note }).where('tree_size', '=', latest.tree_size).execute(),
    )
    cpSync(file('witness'), file('witness-forged'), { recursive: true })
    const bad = await witnessRound(t, file('witness-forged'))
    t.equal(bad.code, ALARM, bad.stdout)
    t.match(
      bad.stderr,
      /^hejie: ALARM: BAD SIGNATURE: the gateway's checkpoint does not verify with the pinned log keys: the signature of log key hejie\.audit\.v1\+[0-9a-f]{8} does not verify/m,
    )
    const [conflict] = readdirSync(file('witness-forged')).filter((name) => name.startsWith('conflict-'))
    t.ok(
      readFileSync(file(`witness-forged/${conflict}/current.note`), 'utf8').startsWith(forged),
      'the forged note is kept as the gateway served it',
    )
    t.equal(await lastCosignature(), before, 'no cosignature was submitted')
  },
)

t.test(
  `the monitor raises an alarm naming the entry whose stored bytes were changed (${backend})`,
  async (t) => {
    const checkpoint = await settledCheckpoint()
    const target = await db
      .selectFrom('audit_entries')
      .selectAll()
      .where('leaf_index', '=', 2)
      .executeTakeFirstOrThrow()
    const altered = Buffer.from(target.canonical)
    const digit = altered.indexOf('"digest":"') + 12
    altered[digit] = (altered[digit] ?? 0) ^ 0x01
    await db
      .updateTable('audit_entries')
      .set({ canonical: altered, leaf_hash: Buffer.from(leafHash(altered)) })
      .where('leaf_index', '=', 2)
      .execute()
    t.teardown(() =>
      db
        .updateTable('audit_entries')
        .set({ canonical: Buffer.from(target.canonical), leaf_hash: Buffer.from(target.leaf_hash) })
        .where('leaf_index', '=', 2)
        .execute(),
    )
    const run = await monitorRound(t, file('monitor-fresh'))
    t.equal(run.code, ALARM, run.stdout)
    t.match(
      run.stderr,
      `ALARM: BAD ENTRIES: 1 of the entries 0–${checkpoint.tree_size} do not verify against the checkpoint of size ${checkpoint.tree_size}`,
    )
    t.match(run.stderr, /^ {2}entry 2: its inclusion proof fails/m)
    t.notOk(existsSync(file('monitor-fresh/checkpoint.json')), 'the checkpoint is not accepted')
  },
)

t.test(
  `when the log is forked behind the gateway's back, the witness refuses and keeps both checkpoints, the monitor alarms, and the forked bundle fails --require-witness (${backend})`,
  async (t) => {
    const honest = await exportBundle(t)
    const last = cosigned[1]!
    const before = await lastCosignature()
    t.equal(before, last.timestamp)

    // The last entry, its nodes and the checkpoints that cover it, taken away; then another
    // write takes its index: a log of the size the witness cosigned, with another root.
    const index = last.size - 1
    await db.deleteFrom('timeline_entries').where('leaf_index', '=', index).execute()
    await db.deleteFrom('audit_salts').where('leaf_index', '=', index).execute()
    await db.deleteFrom('audit_entries').where('leaf_index', '=', index).execute()
    for (let level = 0; 2 ** level <= last.size; level += 1) {
      await db
        .deleteFrom('audit_nodes')
        .where('level', '=', level)
        .where('position', '>=', Math.floor(index / 2 ** level))
        .execute()
    }
    await db.deleteFrom('audit_checkpoints').where('tree_size', '>=', last.size).execute()
    await regulator.enterprises.create({
      name: '替换历史有限公司',
      uscc: testUscc(),
      contact: { name: '李四', phone: '01066668888' },
    })
    const forked = await settledCheckpoint()
    t.equal(forked.tree_size, last.size, 'the same size')
    t.not(forked.root_hash, last.root, 'another root')

    const refused = await witnessRound(t)
    t.equal(refused.code, ALARM, refused.stdout)
    t.equal(refused.stdout, '', 'nothing cosigned')
    t.match(
      refused.stderr,
      `hejie: ALARM: FORK: two checkpoints of size ${last.size} with different roots: ${last.root} accepted before, ${forked.root_hash} now.`,
    )
    t.match(refused.stderr, 'Refusing to cosign.')
    const [conflict] = readdirSync(file('witness')).filter((name) => name.startsWith('conflict-'))
    t.ok(conflict, 'a conflict folder')
    t.match(refused.stderr, `The checkpoints are kept in ${file(`witness/${conflict}`)}`)
    const previous = readFileSync(file(`witness/${conflict}/previous.note`), 'utf8')
    const current = readFileSync(file(`witness/${conflict}/current.note`), 'utf8')
    t.match(previous, `hejie.audit.v1\n${last.size}\n${last.root}\n\n— hejie.audit.v1 `)
    t.match(previous, '\n— auditor.example/w1 ', 'the cosigned note, with the cosignature')
    t.match(current, `hejie.audit.v1\n${last.size}\n${forked.root_hash}\n\n— hejie.audit.v1 `)
    t.match(JSON.parse(readFileSync(file(`witness/${conflict}/current.json`), 'utf8')), {
      tree_size: last.size,
      root_hash: forked.root_hash,
      fetched_from: baseUrl,
    })
    t.equal(await lastCosignature(), before, 'no cosignature was submitted')
    t.match(JSON.parse(readFileSync(file('witness/checkpoint.json'), 'utf8')), { root_hash: last.root })

    const monitored = await monitorRound(t)
    t.equal(monitored.code, ALARM, monitored.stdout)
    t.match(
      monitored.stderr,
      `hejie: ALARM: FORK: two checkpoints of size ${last.size} with different roots: ${last.root} accepted before, ${forked.root_hash} now.`,
    )

    // The witness cosigned the old root of that size: the checkpoint over the new root has no cosignature.
    const bundle = await exportBundle(t)
    const selfConsistent = await hejie(t, ['audit', 'verify', bundle], {})
    t.equal(selfConsistent.code, 0, 'on its own the forked log verifies')
    const witnessed = await hejie(t, ['audit', 'verify', bundle, '--require-witness', vkey], {})
    t.equal(witnessed.code, FAILED, witnessed.stdout)
    t.match(witnessed.stdout, /^Note\s+ok: the signed note is this checkpoint/m)
    t.match(witnessed.stdout, /^Witnesses\s+FAILED: 0 of 1 required witnesses cosigned, 1 needed$/m)
    t.match(
      witnessed.stdout,
      `  auditor.example/w1 (key ${vkey.split('+')[1]}): no cosignature of this checkpoint`,
    )
    t.match(witnessed.stdout, /^Result\s+VERIFICATION FAILED$/m)
    const honestAgain = await hejie(t, ['audit', 'verify', honest, '--require-witness', vkey], {})
    t.equal(honestAgain.code, 0, 'the bundle exported while the cosignature was current still passes')

    const withoutNote = file('without-note.ndjson')
    writeFileSync(
      withoutNote,
      readFileSync(honest, 'utf8')
        .split('\n')
        .map((line) =>
          line.includes('"type":"checkpoint"')
            ? JSON.stringify({ ...JSON.parse(line), note: undefined })
            : line,
        )
        .join('\n'),
    )
    const noNote = await hejie(t, ['audit', 'verify', withoutNote, '--require-witness', vkey], {})
    t.equal(noNote.code, FAILED)
    t.match(noNote.stdout, /^Note\s+FAILED: the checkpoint carries no signed note/m)
  },
)
