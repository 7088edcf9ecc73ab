import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  sdkClient,
} from '../../sdk/test/helpers/gateway.js'

const cliBin = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'hejie-files-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

// A gateway on a real socket, on a database the test alters behind its back.
// Checkpoints signed every 200 ms, so that verification need not wait for a new one.
const { regulator, baseUrl, database, regulatorCredentials } = await gatewayWithRegulator(t, {
  config: { checkpointIntervalMs: 200 },
})

/** Runs the built `hejie` as the regulator. */
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

const company = await enrolEnterprise(regulator, '杭州好物电子商务有限公司')
const enterprise = sdkClient(t, baseUrl, company.credentials)

/** A dispute with a recording uploaded by the CLI and cited by a contact through the SDK. */
async function disputeWithRecording() {
  const dispute = await regulator.disputes.create(complaint(company.enterprise.id))
  await enterprise.disputes.accept(dispute.id)
  const recording = Buffer.concat([Buffer.from('#!AMR\n'), randomBytes(600_000)])
  const path = join(dir, `${dispute.id}.amr`)
  writeFileSync(path, recording)
  const uploaded = await hejie(['files', 'upload', path, '--purpose', 'consent_record', '--json'])
  if (uploaded.code !== 0) throw new Error(`upload: ${uploaded.stderr}`)
  const file = JSON.parse(uploaded.stdout) as { id: string; sha256: string; dispute_id: string | null }
  // The regulator uploaded it unbound; the enterprise's contact cannot cite it, so the
  // enterprise uploads its own copy through the SDK and cites that.
  const own = await enterprise.files.upload({
    file: recording,
    purpose: 'consent_record',
    filename: '录音.amr',
  })
  await enterprise.disputes.recordContact(dispute.id, {
    channel: 'phone',
    contacted_at: new Date().toISOString(),
    reached: true,
    summary: '电话联系消费者，已录音',
    evidence: [own.id],
  })
  return { dispute, recording, cliFile: file, own }
}

t.test(`hejie files verify finds every cited file as the audit log says (${backend})`, async (t) => {
  const { dispute, recording, cliFile, own } = await disputeWithRecording()
  const sha = createHash('sha256').update(recording).digest('hex')
  t.equal(cliFile.sha256, sha, 'hejie files upload prints the SHA-256 of what it sent')
  t.equal(own.sha256, sha)
  const verified = await hejie(['files', 'verify', dispute.id])
  t.equal(verified.code, 0, verified.stderr)
  t.match(verified.stdout, new RegExp(`VERIFIED\\s+${own.id}`))
  const shown = await hejie(['disputes', 'show', dispute.id, '--records'])
  t.equal(shown.code, 0, shown.stderr)
  t.match(shown.stdout, /Contacts:/)
  t.match(
    shown.stdout,
    new RegExp(`evidence: ${own.id}`),
    'hejie disputes show --records lists a contact with its evidence',
  )
})

t.test(`a file whose stored content was swapped fails hejie files verify (${backend})`, async (t) => {
  const { dispute, own } = await disputeWithRecording()
  await database.db
    .updateTable('file_chunks')
    .set({ data: randomBytes(256 * 1024) })
    .where('file_id', '=', own.id)
    .where('seq', '=', 0)
    .execute()
  const result = await hejie(['files', 'verify', dispute.id])
  t.equal(result.code, 3, 'exits 3: the file does not match the log')
  t.match(result.stdout, new RegExp(`MISMATCH\\s+${own.id}`))
})

t.test(`an erased file is reported as erased and verification stays green (${backend})`, async (t) => {
  const { dispute, own } = await disputeWithRecording()
  await regulator.disputes.erasePersonalData(dispute.id, {})
  const result = await hejie(['files', 'verify', dispute.id])
  t.equal(result.code, 0, result.stdout + result.stderr)
  t.match(result.stdout, new RegExp(`ERASED\\s+${own.id}`))
})
