import { readFileSync } from 'node:fs'
import pino from 'pino'
import t from 'tap'
import { deadlinePolicyFrom } from '../../src/services/disputes/deadline-policy.js'
import { Identity } from '../../src/services/identity/identity.js'
import {
  backgroundJobs,
  gatewayJobProcess,
  type JobProcess,
  jobsRunIn,
  startJobs,
} from '../../src/workers/jobs.js'
import { testConfig } from '../helpers/app.js'
import { backend, freshDatabase } from '../helpers/database.js'

const operations = readFileSync(new URL('../../../../docs/operations.md', import.meta.url), 'utf8')

/** The processes in the order of the docs' columns. */
const processes: JobProcess[] = ['gateway', 'api-only-gateway', 'worker']
const allJobs = backgroundJobs.map((job) => job.name)
const namesRunIn = (process: JobProcess) => jobsRunIn(process).map((job) => job.name)

/** The table of docs/operations.md's "Which process runs what", as the job list makes it. */
function jobsTable(): string {
  const header = [
    '| job | what it does | when it runs | `start` | `start` with `HEJIE_WEBHOOK_DISPATCH=false` | `worker` |',
    '|---|---|---|---|---|---|',
  ]
  const rows = backgroundJobs.map((job) => {
    const runs = processes.map((process) => (job.runsIn.includes(process) ? 'yes' : 'no'))
    return `| \`${job.name}\` | ${job.does} | ${job.schedule} | ${runs.join(' | ')} |`
  })
  return [...header, ...rows].join('\n')
}

/** The table as docs/operations.md has it: from its header to the first line that is no row. */
function documentedTable(): string {
  const lines = operations.split('\n')
  const start = lines.findIndex((line) => line.startsWith('| job | what it does |'))
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'))
  return lines.slice(start, end).join('\n')
}

t.test(
  'docs/operations.md lists every job as the code defines it: what it does, when, and where',
  async (t) => {
    t.equal(documentedTable(), jobsTable())
  },
)

t.test('start runs every job', async (t) => {
  t.same(namesRunIn(gatewayJobProcess({ webhookDispatch: true })), allJobs)
})

t.test('start with HEJIE_WEBHOOK_DISPATCH=false runs every job but webhook delivery', async (t) => {
  t.same(
    namesRunIn(gatewayJobProcess({ webhookDispatch: false })),
    allJobs.filter((name) => name !== 'webhook-delivery'),
  )
})

t.test('a worker runs every job but the revocation refresh, the signing-key refresh included', async (t) => {
  t.same(
    namesRunIn('worker'),
    allJobs.filter((name) => name !== 'revocation-refresh'),
  )
})

t.test(`every job starts on a fresh database and stops (${backend})`, async (t) => {
  const database = await freshDatabase(t)
  const config = testConfig()
  const identity = new Identity(config, database)
  await identity.load()
  const jobs = startJobs('gateway', {
    config,
    database,
    identity,
    deadlines: deadlinePolicyFrom(config),
    log: pino({ level: 'silent' }),
  })
  t.same(jobs.names, allJobs)
  await jobs.stop()
})
