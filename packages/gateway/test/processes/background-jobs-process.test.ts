import { decodeProtectedHeader } from 'jose'
import t from 'tap'
import { type Checkpoint, latestCheckpoint } from '../../src/services/audit/checkpoints.js'
import { treeSize } from '../../src/services/audit/stored-nodes.js'
import type { Database } from '../../src/storage/database.js'
import { type JobProcess, jobsRunIn } from '../../src/workers/jobs.js'
import { backend } from '../helpers/database.js'
import { complaint } from '../helpers/disputes.js'
import { regulatorCredentials } from '../helpers/identity.js'
import {
  call,
  registerEnterprise,
  runGateway,
  sharedDatabase,
  startGateway,
  startWorker,
  tokenFor,
} from '../helpers/process.js'

/**
 * The background jobs in real processes: which ones `start`, `start` with
 * HEJIE_WEBHOOK_DISPATCH=false and `worker` run, and a worker doing the work an API-only
 * gateway leaves to it.
 */

/** The jobs a process logged when it started them. */
function jobsStarted(output: string[]): string[] | undefined {
  for (const line of output) {
    if (!line.startsWith('{')) continue
    const entry = JSON.parse(line)
    if (entry.msg === 'background jobs started') return entry.jobs
  }
  return undefined
}

/** Polls `read` every 50 ms until it returns a value; fails naming `what` after 15 s. */
async function eventually<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const value = await read()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`waited 15 s in vain for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The latest checkpoint once one covers the whole audit log as it is now. */
function checkpointOfWholeLog(database: Database): Promise<Checkpoint> {
  return eventually(async () => {
    const checkpoint = await latestCheckpoint(database.db, 'hejie.audit.v1')
    const size = await treeSize(database.db)
    return checkpoint && checkpoint.tree_size === size ? checkpoint : undefined
  }, 'a checkpoint of the whole audit log')
}

const signedBy = (checkpoint: Checkpoint) => decodeProtectedHeader(checkpoint.signature).kid

// Intervals longer than a test, so that the gateway leaves this work to the worker.
const leftToTheWorker = { HEJIE_CHECKPOINT_INTERVAL_MS: '60000', HEJIE_DEADLINE_SCAN_INTERVAL_MS: '3600000' }

t.test(`each process runs the jobs the job list gives it (${backend})`, async (t) => {
  const { env } = await sharedDatabase(t)
  const runs: [JobProcess, () => ReturnType<typeof startWorker>][] = [
    ['gateway', () => startGateway(t, env)],
    ['api-only-gateway', () => startGateway(t, { ...env, HEJIE_WEBHOOK_DISPATCH: 'false' })],
    ['worker', () => startWorker(t, env)],
  ]
  // One after the other: on SQLite, two gateways must not share a database file.
  for (const [process, start] of runs) {
    const started = await start()
    const expected = jobsRunIn(process).map((job) => job.name)
    t.same(jobsStarted(started.output), expected, `${process}: ${expected.join(', ')}`)
    started.child.kill('SIGTERM')
    t.same(await started.exited, { code: 0, signal: null }, `${process} stops cleanly`)
  }
})

t.test(
  `a worker signs the checkpoints and scans the deadlines an API-only gateway leaves to it (${backend})`,
  async (t) => {
    const { credentials, env, database } = await sharedDatabase(t)
    const api = await startGateway(t, { ...env, ...leftToTheWorker, HEJIE_WEBHOOK_DISPATCH: 'false' })
    const token = await tokenFor(api.baseUrl, credentials)
    const enterprise = await registerEnterprise(api.baseUrl, token, '京东')
    const dispute = await call(api.baseUrl, token, 'POST', '/v1/disputes', complaint(enterprise.id))
    const warnedAt = async () =>
      (
        await database.db
          .selectFrom('disputes')
          .select('deadline_warned_at')
          .where('id', '=', dispute.id)
          .executeTakeFirstOrThrow()
      ).deadline_warned_at
    t.equal(await latestCheckpoint(database.db, 'hejie.audit.v1'), null, 'no checkpoint before the worker')

    await startWorker(t, {
      ...env,
      HEJIE_CHECKPOINT_INTERVAL_MS: '200',
      HEJIE_DEADLINE_SCAN_INTERVAL_MS: '200',
      // Wider than the 10 working days a dispute has, so the new dispute is due for a warning.
      HEJIE_DEADLINE_WARNING_WORKING_DAYS: '30',
    })
    await eventually(async () => (await warnedAt()) ?? undefined, 'the deadline warning')
    t.pass('the worker warned of the deadline')
    const checkpoint = await checkpointOfWholeLog(database)
    t.ok(checkpoint.tree_size > 0, `the worker signed a checkpoint of all ${checkpoint.tree_size} entries`)
  },
)

t.test(`a worker signs checkpoints with a rotated key once it is active (${backend})`, async (t) => {
  // The shared database's regulator client is the log's first entry; a second client its next.
  const { env, database } = await sharedDatabase(t)
  const keysEnv = { ...env, HEJIE_KEY_ACTIVATION_DELAY_MS: '500' }
  await startWorker(t, { ...keysEnv, HEJIE_CHECKPOINT_INTERVAL_MS: '200' })
  const before = await checkpointOfWholeLog(database)

  const { output, exited } = runGateway(['keys', 'rotate'], keysEnv)
  t.same(await exited, { code: 0, signal: null }, 'keys rotate succeeds')
  const rotated = /published (\S+);/.exec(output.join('\n'))?.[1]
  // The key signs 500 ms after the rotation; the worker re-reads its keys every 250 ms.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  await regulatorCredentials(database)
  const after = await checkpointOfWholeLog(database)

  t.ok(after.tree_size > before.tree_size, 'a new checkpoint covers the new entry')
  t.not(signedBy(before), rotated, 'the first checkpoint was signed with the first key')
  t.equal(signedBy(after), rotated, 'the new one with the rotated key')
})
