import type { Database } from '../../storage/database.js'
import { transaction } from '../../storage/group-commit.js'
import type { WebhookAttemptTable, WebhookDeliveryTable } from '../../storage/schema.js'

/** A delivery this dispatcher holds the lease of, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string
  endpoint_id: string
  event_id: string
  attempts: number
  /** The lease this claim set: the result is only recorded while the lease is still ours. */
  lease_until: string
  url: string
  encrypted_secret: string
  previous_encrypted_secret: string | null
  previous_secret_expires_at: string | null
  /** The event JSON exactly as stored: the request body. */
  data: string
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints by setting their lease, in one
 * short transaction (on SQLite it shares the commit of writes and attempt records arriving
 * at the same time, as every write there does). On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets any number of dispatchers
 * claim at once without waiting on each other or taking the same row; a row another
 * dispatcher claimed a moment ago fails the lease condition when it is re-checked. A lease
 * outlives the longest attempt, so a delivery is never sent by two dispatchers at once, and
 * a dispatcher that dies (kill -9) only delays its deliveries until their leases run out.
 */
export async function claimDueDeliveries(
  database: Database,
  limit: number,
  leaseMs: number,
  now = database.clock.now(),
): Promise<ClaimedDelivery[]> {
  const nowIso = now.toISOString()
  const lease = new Date(now.getTime() + leaseMs).toISOString()
  const ids = await transaction(database, async (trx) => {
    let due = trx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowIso)]))
      .where(
        'endpoint_id',
        'in',
        trx.selectFrom('webhook_endpoints').select('id').where('status', '=', 'enabled'),
      )
      .orderBy('next_attempt_at')
      .limit(limit)
    if (database.dialect === 'postgres') due = due.forUpdate().skipLocked()
    const rows = await due.execute()
    if (rows.length === 0) return []
    const claimed = rows.map((row) => row.id)
    await trx
      .updateTable('webhook_deliveries')
      .set({ lease_until: lease })
      .where('id', 'in', claimed)
      .execute()
    return claimed
  })
  if (ids.length === 0) return []
  const rows = await database.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .innerJoin('events as ev', 'ev.id', 'd.event_id')
    .select([
      'd.id',
      'd.endpoint_id',
      'd.event_id',
      'd.attempts',
      'e.url',
      'e.encrypted_secret',
      'e.previous_encrypted_secret',
      'e.previous_secret_expires_at',
      'ev.data',
    ])
    .where('d.id', 'in', ids)
    .orderBy('d.event_sequence')
    .execute()
  return rows.map((row) => ({ ...row, lease_until: lease }))
}

export interface AttemptOutcome {
  attempt: Omit<WebhookAttemptTable, 'delivery_id' | 'attempt'>
  status: WebhookDeliveryTable['status']
  nextAttemptAt: string | null
}

/**
 * Records an attempt and the delivery's new state, and keeps the endpoint's failure clock:
 * a success stops it, the first failure starts it. Nothing is recorded when the lease ran
 * out (another dispatcher owns the delivery now). Returns when the endpoint started
 * failing, or undefined when nothing was recorded.
 */
export async function recordAttempt(
  database: Database,
  delivery: ClaimedDelivery,
  outcome: AttemptOutcome,
): Promise<{ failingSince: string | null } | undefined> {
  const at = database.clock.now().toISOString()
  return transaction(database, async (trx) => {
    const updated = await trx
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        attempts: delivery.attempts + 1,
        next_attempt_at: outcome.nextAttemptAt,
        lease_until: null,
        updated_at: at,
      })
      .where('id', '=', delivery.id)
      .where('lease_until', '=', delivery.lease_until)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) === 0) return undefined
    await trx
      .insertInto('webhook_attempts')
      .values({ delivery_id: delivery.id, attempt: delivery.attempts + 1, ...outcome.attempt })
      .execute()
    // Conditional updates: the common case (working endpoint, success) writes nothing here,
    // so concurrent deliveries to one endpoint do not queue on its row.
    if (outcome.status === 'succeeded') {
      await trx
        .updateTable('webhook_endpoints')
        .set({ failing_since: null })
        .where('id', '=', delivery.endpoint_id)
        .where('failing_since', 'is not', null)
        .execute()
      return { failingSince: null }
    }
    await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: outcome.attempt.started_at })
      .where('id', '=', delivery.endpoint_id)
      .where('failing_since', 'is', null)
      .execute()
    const endpoint = await trx
      .selectFrom('webhook_endpoints')
      .select('failing_since')
      .where('id', '=', delivery.endpoint_id)
      .executeTakeFirst()
    return { failingSince: endpoint?.failing_since ?? null }
  })
}
