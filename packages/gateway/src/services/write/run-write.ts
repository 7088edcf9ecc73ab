import { sql, type Transaction } from 'kysely'
import type { Actor } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import { compiled, type StatementTarget } from '../../storage/compiled-statement.js'
import type { Database } from '../../storage/database.js'
import type { DialectName } from '../../storage/dialect.js'
import { transaction } from '../../storage/group-commit.js'
import type { Schema } from '../../storage/schema.js'
import { type AppendedEntry, type AuditRecord, appendAuditEntries } from '../audit/index.js'
import { appendEvents, type EventRecord } from './events.js'
import { subscribersOf } from './fan-out.js'
import { claimIdempotencyKey, IDEMPOTENCY_WAIT, type Idempotency, recordResponse } from './idempotency.js'
import { appendAndCommitOnServer, type TimelineLineOf } from './server-append.js'
import { signalDeliveriesDue, WAKE_CHANNEL } from './wake.js'

/** The transaction-scoped advisory lock that serializes appends to the audit log and the outbox. */
const APPEND_LOCK = 0x68656a6965 // "hejie"

export interface WriteContext {
  actor: Actor
  requestId: string
  idempotency?: Idempotency | undefined
}

/** What the work of a write sees: its transaction, its clock, and the side effects to record. */
export interface WriteTransaction {
  readonly db: Transaction<Schema>
  /** The database behind `db`, for the few statements whose SQL differs. */
  readonly dialect: DialectName
  readonly now: Date
  readonly actor: Actor
  audit(record: AuditRecord): void
  emit(event: EventRecord): void
  /**
   * Runs `project` in this transaction once the audit entries are appended, with their
   * indices: how a part keeps its own view of the log (a dispute's timeline) in step.
   */
  onAppended(project: AppendedProjection): void
}

export type AppendedProjection = ((
  trx: StatementTarget,
  entries: readonly AppendedEntry[],
) => Promise<void>) & {
  /**
   * For a projection that is a dispute's timeline: an entry's line but for its index and
   * time, which the server-side append on PostgreSQL writes itself (`server-append.ts`).
   */
  readonly timelineLine?: TimelineLineOf | undefined
}

/**
 * The projections as the server-side append runs them (none, or one timeline), or undefined
 * when one of them can only run here: then the write appends from the gateway instead.
 */
function serverSideProjections(
  projections: ReadonlySet<AppendedProjection>,
): { timelineLine?: AppendedProjection['timelineLine'] } | undefined {
  if (projections.size === 0) return {}
  const [only] = projections
  if (projections.size === 1 && only?.timelineLine) return { timelineLine: only.timelineLine }
  return undefined
}

export interface WriteResponse<T> {
  status: number
  body: T
  /**
   * What a replay of this request answers, when it must differ from `body`: a secret shown
   * once is not kept in the idempotency record, so a replay answers without it.
   */
  replayBody?: unknown
}

export interface WriteOutcome<T> extends WriteResponse<T> {
  /** True when an earlier request with the same idempotency key answered this. */
  replayed: boolean
}

/**
 * Runs one write in one transaction: the change itself, its audit entries, its events and
 * its idempotency record commit together or not at all. A crash leaves neither the change
 * nor its record; an acknowledged write has both.
 */
export async function runWrite<T>(
  database: Database,
  context: WriteContext,
  work: (tx: WriteTransaction) => Promise<WriteResponse<T>>,
): Promise<WriteOutcome<T>> {
  let deliveries = 0
  try {
    const outcome = await transaction(database, async (db) => {
      const trx: StatementTarget = { db, dialect: database.dialect }
      if (database.dialect === 'postgres') {
        await sql`set local lock_timeout = ${sql.lit(IDEMPOTENCY_WAIT)}`.execute(db)
      }
      const now = database.clock.now()
      if (context.idempotency) {
        const earlier = await claimIdempotencyKey(trx, context.actor.clientId, context.idempotency, now)
        if (earlier) return { ...earlier, replayed: true } as WriteOutcome<T>
      }

      const audits: AuditRecord[] = []
      const events: EventRecord[] = []
      const projections = new Set<AppendedProjection>()
      const response = await work({
        db,
        dialect: database.dialect,
        now,
        actor: context.actor,
        audit: (record) => audits.push(record),
        emit: (event) => events.push(event),
        onAppended: (project) => projections.add(project),
      })

      // Recorded before the append lock is taken: every statement after it lengthens the time
      // that every other write waits for the lock.
      if (context.idempotency) {
        await recordResponse(trx, context.actor.clientId, context.idempotency.key, response)
      }

      if (audits.length > 0 || events.length > 0) {
        const subscribers = await subscribersOf(trx, events)
        const serverSide = database.dialect === 'postgres' ? serverSideProjections(projections) : undefined
        if (serverSide) {
          // The write's last statement: it commits the transaction too.
          deliveries = await appendAndCommitOnServer(db, {
            lock: APPEND_LOCK,
            audits,
            context: {
              actor: context.actor,
              requestId: context.requestId,
              at: database.clock.now().toISOString(),
            },
            timelineLine: serverSide.timelineLine,
            events,
            subscribers,
            wakeChannel: WAKE_CHANNEL,
          })
        } else {
          if (database.dialect === 'postgres')
            await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(db)
          const at = database.clock.now().toISOString()
          const { nextIndex, nextSequence } = await nextPositions(trx)
          const appended = await appendAuditEntries(
            trx,
            audits,
            { actor: context.actor, requestId: context.requestId, at },
            nextIndex,
          )
          for (const project of projections) await project(trx, appended)
          deliveries = await appendEvents(trx, events, at, nextSequence, subscribers)
          // Wakes the dispatchers of every instance when this transaction commits (not before).
          if (deliveries > 0 && database.dialect === 'postgres')
            await sql`select pg_notify(${WAKE_CHANNEL}, '')`.execute(db)
        }
      }

      return { status: response.status, body: response.body, replayed: false }
    })
    if (deliveries > 0) signalDeliveriesDue()
    return outcome
  } catch (error) {
    throw translateStorageError(error, context.idempotency !== undefined)
  }
}

/**
 * Storage errors that are the caller's concern, as problems. A unique index that a
 * concurrent request won (two intakes of one ticket at the same instant) is a 409 like the
 * check that normally catches it; a lock not granted in time is a 409 to retry.
 */
function translateStorageError(error: unknown, idempotent: boolean): unknown {
  const code = (error as { code?: string }).code
  if (code === '55P03') {
    return idempotent
      ? problem('idempotency_key_in_use', {
          en: 'A request with this Idempotency-Key is still running; retry shortly.',
          zh: '使用该 Idempotency-Key 的请求仍在处理中；请稍后重试。',
        })
      : problem('conflict', {
          en: 'The object is busy with another request; retry shortly.',
          zh: '该对象正在处理另一个请求；请稍后重试。',
        })
  }
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return problem('conflict', {
      en: 'A concurrent request created the same object; read it instead of creating it again.',
      zh: '另一个同时到达的请求已创建了同一对象；请直接读取，不要重复创建。',
    })
  }
  return error
}

async function nextPositions(trx: StatementTarget): Promise<{ nextIndex: number; nextSequence: number }> {
  const last = (await lastPositions.execute(trx, {})).rows[0]
  return {
    nextIndex: last?.last_index === null || last?.last_index === undefined ? 0 : Number(last.last_index) + 1,
    nextSequence:
      last?.last_sequence === null || last?.last_sequence === undefined ? 1 : Number(last.last_sequence) + 1,
  }
}

/** Where the audit log and the outbox end, in one statement. */
const lastPositions = compiled<Record<string, never>>()((db) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom('audit_entries')
      .select((inner) => inner.fn.max('leaf_index').as('last'))
      .as('last_index'),
    eb
      .selectFrom('events')
      .select((inner) => inner.fn.max('sequence').as('last'))
      .as('last_sequence'),
  ]),
)
