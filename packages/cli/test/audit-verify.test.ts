import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Dispute, leafHash } from '@hejie/sdk'
import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { testUscc } from '../../gateway/test/helpers/identity.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  sdkClient,
} from '../../sdk/test/helpers/gateway.js'

const cliBin = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const VERIFIED = 0
const UNREADABLE = 1
const FAILED = 3

const dir = mkdtempSync(join(tmpdir(), 'hejie-audit-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string) => join(dir, name)

// One gateway for the file, in this process on a random loopback port, on a fresh database
// that the tests below alter behind its back, as someone with access to the database could.
const { regulator, baseUrl, database, regulatorCredentials } = await gatewayWithRegulator(t)
const db = database.db

/** Runs the built `hejie` with the regulator's credentials in its environment and nothing else. */
function hejie(args: string[]) {
  const child = spawn(process.execPath, [cliBin, ...args], {
    env: {
      PATH: process.env.PATH,
      HEJIE_CONFIG_DIR: dir,
      HEJIE_BASE_URL: baseUrl,
      HEJIE_CLIENT_ID: regulatorCredentials.clientId,
      HEJIE_CLIENT_SECRET: regulatorCredentials.clientSecret,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  )
}

let exports = 0
/** `hejie audit export` to a new file, then `hejie audit verify` of it. */
async function exportAndVerify(exportArgs: string[] = [], verifyArgs: string[] = []) {
  exports += 1
  const bundle = file(`bundle-${exports}.ndjson`)
  const exported = await hejie(['audit', 'export', '-o', bundle, ...exportArgs])
  if (exported.code !== 0) throw new Error(`hejie audit export failed: ${exported.stderr}`)
  return { bundle, ...(await hejie(['audit', 'verify', bundle, ...verifyArgs])) }
}

// A history to audit: an enterprise, its client, disputes accepted and settled.
const company = await enrolEnterprise(regulator, '杭州好物电子商务有限公司')
const enterprise = sdkClient(t, baseUrl, company.credentials)
const disputes: Dispute[] = []
for (let i = 0; i < 4; i += 1) {
  const dispute = await regulator.disputes.create(complaint(company.enterprise.id))
  await enterprise.disputes.accept(dispute.id)
  disputes.push(dispute)
}
await enterprise.disputes.recordSettlement(disputes[1]!.id, {
  remedy: 'partial_refund',
  amount: { amount: 2700, currency: 'CNY' },
  terms: 'Refund of the unused 27.00 yuan of the annual video membership.',
  agreed_at: new Date().toISOString(),
  consumer_consent: { method: 'phone_recording', reference: 'REC-20261128-0042' },
})

interface Row {
  leaf_index: number | string
  leaf_hash: Uint8Array
  canonical: Uint8Array
  dispute_id: string | null
}

async function row(index: number): Promise<Row> {
  return db.selectFrom('audit_entries').selectAll().where('leaf_index', '=', index).executeTakeFirstOrThrow()
}

async function setBytes(index: number, changes: { canonical?: Uint8Array; leaf_hash?: Uint8Array }) {
  await db
    .updateTable('audit_entries')
    .set({
      ...(changes.canonical ? { canonical: Buffer.from(changes.canonical) } : {}),
      ...(changes.leaf_hash ? { leaf_hash: Buffer.from(changes.leaf_hash) } : {}),
    })
    .where('leaf_index', '=', index)
    .execute()
}

/** An entry about a dispute, in the middle of the log. */
async function disputeEntry(): Promise<Row> {
  return db
    .selectFrom('audit_entries')
    .selectAll()
    .where('dispute_id', '=', disputes[2]!.id)
    .orderBy('leaf_index')
    .executeTakeFirstOrThrow()
}

t.test(
  `an untouched log verifies, and a saved checkpoint is extended by later exports (${backend})`,
  async (t) => {
    const first = await exportAndVerify([], ['--save-checkpoint', file('trusted.json')])
    t.equal(first.code, VERIFIED, first.stdout + first.stderr)
    t.match(first.stdout, /^Result\s+VERIFIED$/m)
    t.match(first.stdout, /^Entries\s+(\d+) of \1 verified$/m)
    t.match(first.stdout, /^Signature\s+ok: signed by key key_\w+ \(with a key from the bundle itself\)$/m)
    t.match(first.stderr, /Checkpoint of size \d+ saved to /)
    const saved = JSON.parse(readFileSync(file('trusted.json'), 'utf8'))
    t.match(saved, {
      format: 'hejie-audit-checkpoint/1',
      origin: 'hejie.audit.v1',
      tree_size: Number,
      root_hash: String,
      signature: String,
      key: { kty: 'OKP', crv: 'Ed25519' },
    })

    await enterprise.disputes.reportOutcome(disputes[1]!.id, {
      result: 'fulfilled',
      summary: 'Refunded 27.00.',
    })
    await regulator.disputes.create(complaint(company.enterprise.id))

    const later = await exportAndVerify([], ['--trusted-checkpoint', file('trusted.json')])
    t.equal(later.code, VERIFIED, later.stdout)
    t.match(
      later.stdout,
      new RegExp(
        `^Trusted\\s+consistent: the bundle's checkpoint \\(size \\d+\\) extends the trusted checkpoint \\(size ${saved.tree_size}\\)$`,
        'm',
      ),
    )
    t.match(later.stdout, /signed by key key_\w+ \(pinned\)/, 'the key saved with the checkpoint is used')

    // Only the newest entries: the consistency proof in the bundle links them to what was trusted.
    const tail = ['--from', String(saved.tree_size)]
    const proved = await exportAndVerify(
      [...tail, '--consistency-from', String(saved.tree_size)],
      ['--trusted-checkpoint', file('trusted.json')],
    )
    t.equal(proved.code, VERIFIED, proved.stdout)
    t.match(proved.stdout, /^Trusted\s+consistent/m)
    const unproven = await exportAndVerify(tail, ['--trusted-checkpoint', file('trusted.json')])
    t.equal(unproven.code, FAILED)
    t.match(
      unproven.stdout,
      new RegExp(`^Trusted\\s+FAILED \\(unproven\\): .*consistency_from=${saved.tree_size}`, 'm'),
    )
  },
)

t.test('one byte changed in a stored entry fails verification and names the entry', async (t) => {
  const target = await disputeEntry()
  const index = Number(target.leaf_index)
  const original = Buffer.from(target.canonical)
  t.teardown(() => setBytes(index, { canonical: original }))

  const cases: [string, (bytes: Buffer) => void, RegExp][] = [
    [
      'a digit of the digest',
      (bytes) => {
        const at = bytes.indexOf('"digest":"') + 12
        bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30
      },
      new RegExp(
        `^  entry ${index} \\(dispute ${disputes[2]!.id}, dispute\\.\\w+, \\S+\\): its stored bytes do not hash to its leaf_hash; its inclusion proof fails`,
        'm',
      ),
    ],
    [
      'the closing brace, so the bytes are no longer JSON',
      (bytes) => {
        bytes[bytes.length - 1] = 0x20
      },
      new RegExp(
        `^  entry ${index}: its stored bytes do not hash to its leaf_hash; its stored bytes are not a JSON entry`,
        'm',
      ),
    ],
  ]
  for (const [what, change, named] of cases) {
    const altered = Buffer.from(original)
    change(altered)
    await setBytes(index, { canonical: altered })
    const run = await exportAndVerify()
    t.equal(run.code, FAILED, what)
    t.match(run.stdout, /^Result\s+VERIFICATION FAILED$/m)
    t.match(run.stdout, /^Entries\s+\d+ of \d+ verified, 1 failed$/m, what)
    t.match(run.stdout, named, what)
  }

  // The leaf hash rewritten to fit the new bytes: the stored tree still gives the entry away.
  const altered = Buffer.from(original)
  const digit = altered.indexOf('"digest":"') + 12
  altered[digit] = (altered[digit] ?? 0) ^ 0x01
  await setBytes(index, { canonical: altered, leaf_hash: leafHash(altered) })
  t.teardown(() => setBytes(index, { leaf_hash: target.leaf_hash }))
  const rehashed = await exportAndVerify()
  t.equal(rehashed.code, FAILED)
  t.match(
    rehashed.stdout,
    new RegExp(
      `^  entry ${index} \\(dispute ${disputes[2]!.id}.*: its inclusion proof fails: the proof does not lead to the checkpoint root$`,
      'm',
    ),
  )
})

t.test('a deleted entry fails verification and is named by its index', async (t) => {
  const target = await disputeEntry()
  const index = Number(target.leaf_index)
  const full = await db
    .selectFrom('audit_entries')
    .selectAll()
    .where('leaf_index', '=', index)
    .executeTakeFirstOrThrow()
  await db.deleteFrom('audit_entries').where('leaf_index', '=', index).execute()
  t.teardown(() => db.insertInto('audit_entries').values(full).execute())
  const run = await exportAndVerify()
  t.equal(run.code, FAILED)
  t.match(run.stdout, /, 1 missing$/m)
  t.match(run.stdout, new RegExp(`^  entry ${index}: missing from the bundle$`, 'm'))
})

t.test('two entries swapped in the database fail verification and both are named', async (t) => {
  const first = await disputeEntry()
  const second = await row(Number(first.leaf_index) + 2)
  const [i, j] = [Number(first.leaf_index), Number(second.leaf_index)]
  await setBytes(i, { canonical: second.canonical, leaf_hash: second.leaf_hash })
  await setBytes(j, { canonical: first.canonical, leaf_hash: first.leaf_hash })
  t.teardown(async () => {
    await setBytes(i, { canonical: first.canonical, leaf_hash: first.leaf_hash })
    await setBytes(j, { canonical: second.canonical, leaf_hash: second.leaf_hash })
  })
  const run = await exportAndVerify()
  t.equal(run.code, FAILED)
  t.match(run.stdout, /, 2 failed$/m)
  t.match(
    run.stdout,
    new RegExp(
      `^  entry ${i} .*its bytes say index ${j}, but it is leaf ${i}; its inclusion proof fails`,
      'm',
    ),
  )
  t.match(
    run.stdout,
    new RegExp(
      `^  entry ${j} .*its bytes say index ${i}, but it is leaf ${j}; its inclusion proof fails`,
      'm',
    ),
  )
})

t.test("erasing a consumer's personal data leaves the log verifiable", async (t) => {
  await regulator.disputes.erasePersonalData(disputes[0]!.id)
  const erased = await regulator.disputes.retrieve(disputes[0]!.id)
  t.equal(erased.consumer.name ?? null, null, 'the name is gone')
  const run = await exportAndVerify()
  t.equal(run.code, VERIFIED, run.stdout)
})

t.test('an export filtered to one enterprise verifies', async (t) => {
  const run = await exportAndVerify(['--enterprise', company.enterprise.id])
  t.equal(run.code, VERIFIED, run.stdout)
  t.match(run.stdout, /a filtered export: the entries between are not in it/)
})

t.test(
  'a log cut short and then rewritten is caught by a saved checkpoint: shrunk, then a FORK',
  async (t) => {
    const saved = await exportAndVerify([], ['--save-checkpoint', file('before-rewrite.json')])
    t.equal(saved.code, VERIFIED, saved.stdout)
    const size = JSON.parse(readFileSync(file('before-rewrite.json'), 'utf8')).tree_size as number
    const last = size - 1

    // The last entry, and every stored node and checkpoint that covers it, taken away.
    await db.deleteFrom('timeline_entries').where('leaf_index', '=', last).execute()
    await db.deleteFrom('audit_salts').where('leaf_index', '=', last).execute()
    await db.deleteFrom('audit_entries').where('leaf_index', '=', last).execute()
    for (let level = 0; 2 ** level <= size; level += 1) {
      await db
        .deleteFrom('audit_nodes')
        .where('level', '=', level)
        .where('position', '>=', Math.floor(last / 2 ** level))
        .execute()
    }
    await db.deleteFrom('audit_checkpoints').where('tree_size', '>=', size).execute()

    const shrunk = await exportAndVerify([], ['--trusted-checkpoint', file('before-rewrite.json')])
    t.equal(shrunk.code, FAILED)
    t.match(
      shrunk.stdout,
      new RegExp(
        `^Trusted\\s+FAILED \\(shrunk\\): the bundle's checkpoint has ${last} entries, fewer than the ${size}`,
        'm',
      ),
    )

    // Another write takes the freed index: a log of the same size with another history.
    await regulator.enterprises.create({
      name: '替换历史有限公司',
      uscc: testUscc(),
      contact: { name: '李四', phone: '01066668888' },
    })
    const fork = await exportAndVerify([], ['--trusted-checkpoint', file('before-rewrite.json')])
    t.equal(fork.code, FAILED)
    t.match(fork.stdout, /^Entries\s+(\d+) of \1 verified$/m, 'the rewritten log is consistent with itself')
    t.match(
      fork.stdout,
      new RegExp(
        `^Trusted\\s+FAILED \\(fork\\): FORK: two checkpoints of size ${size} with different roots`,
        'm',
      ),
    )
  },
)

t.test('what cannot be read is told apart from what does not verify', async (t) => {
  const missing = await hejie(['audit', 'verify', file('nothing-here.ndjson')])
  t.equal(missing.code, UNREADABLE)
  t.match(missing.stderr, /^hejie: Cannot verify .*nothing-here\.ndjson: cannot read/m)

  writeFileSync(file('notes.txt'), 'not a bundle\n')
  const other = await hejie(['audit', 'verify', file('notes.txt')])
  t.equal(other.code, UNREADABLE)
  t.match(other.stderr, /its first line is not a manifest/)

  writeFileSync(file('broken-checkpoint.json'), '{"origin": "hejie.audit.v1"}')
  const { bundle } = await exportAndVerify()
  const badTrusted = await hejie([
    'audit',
    'verify',
    bundle,
    '--trusted-checkpoint',
    file('broken-checkpoint.json'),
  ])
  t.equal(badTrusted.code, UNREADABLE)
  t.match(badTrusted.stderr, /The trusted checkpoint .* is not usable: the checkpoint has no tree_size/)

  const usage = await hejie(['audit', 'verify'])
  t.equal(usage.code, UNREADABLE)

  const help = await hejie(['audit', 'verify', '--help'])
  t.equal(help.code, 0)
  t.match(
    help.stdout,
    /Exit codes:\n\s+0\s+everything verified\n\s+1\s+could not verify.*\n.*\n\s+3\s+verification failed/,
  )

  const json = await hejie(['audit', 'verify', bundle, '--json'])
  t.equal(json.code, VERIFIED)
  t.match(JSON.parse(json.stdout), { ok: true, entries: { failed: 0, missing: 0 } })
})
