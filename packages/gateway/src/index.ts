/**
 * `@hejie/gateway` as a library: what a program may import from the gateway, and all it may
 * import (the package's `exports` map refuses every other module). The `hejie-gateway`
 * command is `dist/cli.js`, run by path, and is not part of this face.
 *
 * The first sections are how the gateway is run from code: build the app, configure it,
 * open and migrate its database, administer it. The others are the parts of the write and
 * read paths that the benchmarks drive without HTTP, so that a baseline runs the gateway's
 * own code (the same query, presenter, schemas, sender, append) and nothing more.
 */

// Embedding: the Fastify app as the server runs it. `createApp` is not ready yet (routes
// may still be added to it); `buildApp` is ready for `inject` or `listen`.

export { type AppOptions, buildApp, createApp } from './app.js'

// Configuration: the environment (or overrides) read and checked, as `hejie-gateway start` does.

export { type Config, ConfigError, loadConfig } from './config.js'
// The V8 settings the launchers start Node.js with.
export { nodeFlags } from './node-flags.js'

// Storage: the embedded SQLite file or PostgreSQL, its migrations, and the transaction of
// one write (group commit on SQLite, a transaction of its own on PostgreSQL).

export { type Database, type DatabaseOptions, openDatabase } from './storage/database.js'
export { transaction } from './storage/group-commit.js'
export { migrateToLatest } from './storage/migrator.js'

// Administration: API clients created as `hejie-gateway clients create` creates them, by
// the `operator` outside the API; the ids the gateway issues; registration codes (USCC).

export { newId } from './domain/ids.js'
export { type Actor, operator } from './domain/principal.js'
export { isValidUscc, usccCheckCharacter } from './domain/uscc.js'
export { createClient } from './services/identity/clients.js'

// Disputes: the row intake stores and the deadline it sets (in working days), the list and
// fetch queries with their cursors, and a dispute as the API presents it, with its schemas.

export { disputeSchemas } from './schemas/disputes.js'
export { type DeadlinePolicy, deadlinePolicyFrom, respondBy } from './services/disputes/deadline-policy.js'
export { intakeRow } from './services/disputes/intake.js'
export { type DisputeView, presentDispute } from './services/disputes/presenter.js'
export { type DisputeFilters, getDispute, listDisputes } from './services/disputes/queries.js'
export { recordTimeline } from './services/disputes/timeline-write.js'
export { encodeCursor, type Page } from './services/pagination.js'

// The audit log, through its one face: append, signed checkpoints, entries, proofs, export.

export {
  type AppendedEntry,
  type AuditContext,
  type AuditEntryActor,
  type AuditRecord,
  appendAuditEntries,
  type Checkpoint,
  type CheckpointKeys,
  currentCheckpoint,
  exportBundle,
  latestCheckpoint,
  listEntries,
  proveConsistency,
  proveInclusion,
  storedNodes,
  treeSize,
} from './services/audit/index.js'

// Webhook sending: one signed attempt, through the HTTP client that refuses private targets
// unless they are allowed.

export { type SendResult, sendDelivery } from './services/webhooks/send.js'
export { webhookAgent } from './services/webhooks/targets.js'

// Supervision: the risk-signals job's one run over the stored disputes, with its thresholds
// from the configuration and the keyed hash of consumers' phones (derived from the master key).

export { PhoneKeyer } from './domain/phone-key.js'
export { MasterKey } from './services/identity/master-key.js'
export { computeRiskSignals, type RiskSignalRun } from './services/risk-signals/run.js'
export { type RiskThresholds, riskThresholdsFrom } from './services/risk-signals/thresholds.js'
