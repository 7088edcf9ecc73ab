import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.js'
import { OffsetClock } from '../domain/clock.js'
import { PhoneKeyer } from '../domain/phone-key.js'
import { currentCheckpoint } from '../services/audit/index.js'
import type { DeadlinePolicy } from '../services/disputes/deadline-policy.js'
import { scanDeadlines } from '../services/disputes/deadline-scan.js'
import { scanMediationDeadlines } from '../services/disputes/mediation-scan.js'
import { purgeUnboundFiles } from '../services/files/purge.js'
import { type Identity, REVOCATION_REFRESH_MS } from '../services/identity/identity.js'
import { computeRiskSignals } from '../services/risk-signals/run.js'
import { riskThresholdsFrom } from '../services/risk-signals/thresholds.js'
import { refreshSandboxClock } from '../services/sandbox/clock.js'
import { answerAsSimulatedConsumer } from '../services/sandbox/consumer.js'
import { purgeIdempotencyRecords } from '../services/write/index.js'
import type { Database } from '../storage/database.js'
import { databaseFileStore } from '../storage/file-store.js'
import { startIntervalWorker } from './interval-worker.js'
import { startWebhookDispatcher } from './webhook-dispatcher.js'

/** How soon a move of the sandbox's clock through one instance reaches the others. */
export const SANDBOX_CLOCK_REFRESH_MS = 1000
/** How soon the sandbox's simulated consumer answers a confirmation request. */
export const SIMULATED_CONSUMER_INTERVAL_MS = 2000

/**
 * The processes that run background jobs: `hejie-gateway start` (a gateway), `start` with
 * HEJIE_WEBHOOK_DISPATCH=false (an API-only gateway, beside workers that deliver), and
 * `hejie-gateway worker` (no HTTP).
 */
export type JobProcess = 'gateway' | 'api-only-gateway' | 'worker'

/** What the jobs work with; `identity` is loaded (or at least its keys are, in a worker). */
export interface JobContext {
  config: Config
  database: Database
  identity: Identity
  deadlines: DeadlinePolicy
  log: FastifyBaseLogger
}

export interface BackgroundJob {
  name: string
  /** What it does, in one line. */
  does: string
  /** When it runs, naming the variable that sets it. */
  schedule: string
  runsIn: readonly JobProcess[]
  /** Starts it; `stop()` stops it and waits for the work in progress. */
  start(context: JobContext): { stop(): Promise<void> }
}

/**
 * Every background job, and which processes run it. Each is safe to run in any number of
 * processes at once (docs/operations.md says how instances agree), so a job runs wherever it
 * may be needed rather than in exactly one place: `start` runs all of them, so one process is
 * a whole deployment; HEJIE_WEBHOOK_DISPATCH=false takes only webhook delivery away, so an
 * API-only gateway still signs checkpoints, warns of deadlines (the events feed reads them)
 * and purges, with or without workers; a worker runs everything that needs no HTTP.
 */
export const backgroundJobs: readonly BackgroundJob[] = [
  {
    name: 'webhook-delivery',
    does: 'sends due webhook deliveries and records each attempt',
    schedule:
      'when a commit writes deliveries (on PostgreSQL, in any instance), and every `HEJIE_WEBHOOK_POLL_INTERVAL_MS` (default 1 s)',
    // The one job that HEJIE_WEBHOOK_DISPATCH moves out of the API processes: sending costs
    // CPU and connections that the API's latency should not share.
    runsIn: ['gateway', 'worker'],
    start: ({ config, database, identity, log }) =>
      startWebhookDispatcher({ database, config, masterKey: identity.masterKey, log }),
  },
  periodic({
    name: 'deadline-scanner',
    does: 'records `dispute.deadline_approaching` and `dispute.overdue` (and escalates, if configured), and `dispute.mediation_deadline_approaching` and `dispute.mediation_overdue`',
    schedule: 'every `HEJIE_DEADLINE_SCAN_INTERVAL_MS` (default 60 s)',
    runsIn: ['gateway', 'api-only-gateway', 'worker'],
    task: ({ config, database, deadlines }) => ({
      intervalMs: config.deadlineScanIntervalMs,
      run: async () => {
        await scanDeadlines(database, deadlines)
        await scanMediationDeadlines(database, deadlines)
      },
    }),
  }),
  periodic({
    name: 'risk-signals',
    does: 'computes the risk signals of this week and the last, recording `risk_signal.raised` when one first appears',
    schedule: 'every `HEJIE_RISK_SIGNALS_INTERVAL_MS` (default 10 min)',
    // Aggregates only, and a signal is raised once whichever process stores it first; it
    // keys the phones of older disputes with the master key, which every process holds.
    runsIn: ['gateway', 'api-only-gateway', 'worker'],
    task: ({ config, database, identity }) => {
      const thresholds = riskThresholdsFrom(config)
      const keyer = PhoneKeyer.fromMasterKey(identity.masterKey)
      return {
        intervalMs: config.riskSignalsIntervalMs,
        run: () => computeRiskSignals(database, thresholds, keyer),
      }
    },
  }),
  periodic({
    name: 'checkpoint-signer',
    does: 'signs a checkpoint of the audit log when entries arrived since the last one',
    schedule: 'every `HEJIE_CHECKPOINT_INTERVAL_MS` (default 30 s)',
    runsIn: ['gateway', 'api-only-gateway', 'worker'],
    task: ({ config, database, identity }) => ({
      intervalMs: config.checkpointIntervalMs,
      run: () => currentCheckpoint(database, identity.keys, config.auditOrigin),
    }),
  }),
  periodic({
    name: 'idempotency-purge',
    does: 'deletes stored responses older than `HEJIE_IDEMPOTENCY_RETENTION_HOURS`',
    schedule: 'every hour',
    runsIn: ['gateway', 'api-only-gateway', 'worker'],
    task: ({ config, database }) => ({
      intervalMs: 3_600_000,
      run: () =>
        purgeIdempotencyRecords(
          database,
          new Date(database.clock.now().getTime() - config.idempotencyRetentionHours * 3_600_000),
        ),
    }),
  }),
  periodic({
    name: 'file-purge',
    does: 'deletes evidence files that no intake bound within 24 hours, and content an interrupted upload left behind',
    schedule: 'every hour',
    // Deletes only what nobody can bind any more, in short transactions: safe anywhere.
    runsIn: ['gateway', 'api-only-gateway', 'worker'],
    task: ({ database }) => ({
      intervalMs: 3_600_000,
      run: async () => {
        await purgeUnboundFiles(database, databaseFileStore(database))
      },
    }),
  }),
  periodic({
    name: 'revocation-refresh',
    does: 're-reads revoked clients, so that their tokens stop working on this instance',
    schedule: `every ${REVOCATION_REFRESH_MS / 1000} s`,
    // Only token verification reads revocations, and a worker verifies no tokens.
    runsIn: ['gateway', 'api-only-gateway'],
    task: ({ identity }) => refreshTask(identity, 'revocations'),
  }),
  periodic({
    name: 'signing-key-refresh',
    does: 're-reads the signing keys, so that a rotation by another process is published and used',
    schedule: 'every half `HEJIE_KEY_ACTIVATION_DELAY_MS` (default 30 s)',
    // Gateways sign tokens and publish the JWKS; a worker signs checkpoints with the same key
    // ring, and without this it would go on signing with a key rotated out.
    runsIn: ['gateway', 'api-only-gateway', 'worker'],
    task: ({ identity }) => refreshTask(identity, 'signing-keys'),
  }),
  {
    name: 'sandbox-clock-refresh',
    does: 're-reads the sandbox’s clock, so that a move made through another instance reaches this one (sandbox only)',
    schedule: `every ${SANDBOX_CLOCK_REFRESH_MS / 1000} s, in a gateway or worker started with \`--sandbox\``,
    runsIn: ['gateway', 'api-only-gateway', 'worker'],
    start: ({ database, log }) =>
      database.clock instanceof OffsetClock
        ? startIntervalWorker(
            'sandbox-clock-refresh',
            SANDBOX_CLOCK_REFRESH_MS,
            () => refreshSandboxClock(database),
            log,
          )
        : { stop: async () => {} },
  },
  {
    name: 'simulated-consumer',
    does: 'answers the confirmation requests of generated disputes as their scenario says (sandbox only)',
    schedule: `every ${SIMULATED_CONSUMER_INTERVAL_MS / 1000} s, in a gateway or worker started with \`--sandbox\``,
    runsIn: ['gateway', 'api-only-gateway', 'worker'],
    start: ({ config, database, log }) =>
      config.sandbox
        ? startIntervalWorker(
            'simulated-consumer',
            SIMULATED_CONSUMER_INTERVAL_MS,
            async () => void (await answerAsSimulatedConsumer(database)),
            log,
          )
        : { stop: async () => {} },
  },
]

interface PeriodicTask {
  intervalMs: number
  run(): Promise<unknown>
}

/** A job that runs a task every interval, never two runs at once, going on after a failed run. */
function periodic(
  job: Omit<BackgroundJob, 'start'> & { task(context: JobContext): PeriodicTask },
): BackgroundJob {
  const { task, ...description } = job
  return {
    ...description,
    start: (context) => {
      const { intervalMs, run } = task(context)
      return startIntervalWorker(job.name, intervalMs, async () => void (await run()), context.log)
    },
  }
}

/** One of the refresh tasks identity defines, with the interval identity sets for it. */
function refreshTask(identity: Identity, name: string): PeriodicTask {
  const task = identity.refreshTasks().find((candidate) => candidate.name === name)
  if (!task) throw new Error(`identity has no refresh task named "${name}"`)
  return task
}

/** Which jobs a gateway runs depends on whether it delivers webhooks. */
export function gatewayJobProcess(config: Pick<Config, 'webhookDispatch'>): JobProcess {
  return config.webhookDispatch ? 'gateway' : 'api-only-gateway'
}

export function jobsRunIn(process: JobProcess): BackgroundJob[] {
  return backgroundJobs.filter((job) => job.runsIn.includes(process))
}

export interface RunningJobs {
  readonly names: string[]
  /** Stops every job and waits for the runs and deliveries in progress to finish. */
  stop(): Promise<void>
}

/** Starts the jobs that `process` runs. */
export function startJobs(process: JobProcess, context: JobContext): RunningJobs {
  const jobs = jobsRunIn(process)
  const running = jobs.map((job) => job.start(context))
  const names = jobs.map((job) => job.name)
  context.log.info({ jobs: names }, 'background jobs started')
  return {
    names,
    async stop() {
      await Promise.all(running.map((job) => job.stop()))
    },
  }
}
