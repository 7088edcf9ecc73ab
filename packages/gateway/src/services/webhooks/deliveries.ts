import type { Kysely } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { Schema, WebhookAttemptTable, WebhookDeliveryTable } from '../../storage/schema.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { runWrite, signalDeliveriesDue, type WriteContext, type WriteOutcome } from '../write/index.js'
import { findEndpoint, notifyDispatchers } from './endpoints.js'

export interface WebhookDeliveryView {
  id: string
  object: 'webhook_delivery'
  endpoint_id: string
  event_id: string
  event_sequence: number
  status: WebhookDeliveryTable['status']
  next_attempt_at: string | null
  created_at: string
  updated_at: string
  attempts: Omit<WebhookAttemptTable, 'delivery_id'>[]
}

function presentDelivery(row: WebhookDeliveryTable, attempts: WebhookAttemptTable[]): WebhookDeliveryView {
  return {
    id: row.id,
    object: 'webhook_delivery',
    endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event_sequence: row.event_sequence,
    status: row.status,
    next_attempt_at: row.next_attempt_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    attempts: attempts.map(({ delivery_id: _, ...attempt }) => attempt),
  }
}

async function attemptsOf(db: Kysely<Schema>, ids: string[]): Promise<Map<string, WebhookAttemptTable[]>> {
  const byDelivery = new Map<string, WebhookAttemptTable[]>()
  if (ids.length === 0) return byDelivery
  const rows = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', ids)
    .orderBy('delivery_id')
    .orderBy('attempt')
    .execute()
  for (const row of rows) byDelivery.set(row.delivery_id, [...(byDelivery.get(row.delivery_id) ?? []), row])
  return byDelivery
}

/** An endpoint's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  db: Kysely<Schema>,
  principal: Principal,
  endpointId: string,
  query: { limit: number; cursor?: string | undefined; status?: WebhookDeliveryTable['status'] | undefined },
): Promise<Page<WebhookDeliveryView>> {
  await findEndpoint(db, principal, endpointId)
  let select = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId)
  if (query.status) select = select.where('status', '=', query.status)
  if (query.cursor) select = select.where('id', '<', decodeCursor(query.cursor, ['id'])[0])
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()
  const attempts = await attemptsOf(
    db,
    rows.map((row) => row.id),
  )
  return toPage(
    rows,
    query.limit,
    (row) => presentDelivery(row, attempts.get(row.id) ?? []),
    (row) => [row.id],
  )
}

/**
 * Makes one delivery due now, whatever its state: a failed one gets one more attempt. A
 * delivery being sent right now keeps its lease, so it is never sent twice at once.
 */
export async function retryDelivery(
  database: Database,
  context: WriteContext & { actor: Principal },
  id: string,
): Promise<WriteOutcome<WebhookDeliveryView>> {
  const outcome = await runWrite(database, context, async (tx) => {
    const row = await tx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row)
      throw problem('not_found', { en: `No webhook delivery ${id}.`, zh: `Webhook 投递记录 ${id} 不存在。` })
    const endpoint = await findEndpoint(tx.db, context.actor, row.endpoint_id).catch(() => {
      throw problem('not_found', { en: `No webhook delivery ${id}.`, zh: `Webhook 投递记录 ${id} 不存在。` })
    })
    const changes = {
      status: 'pending' as const,
      next_attempt_at: tx.now.toISOString(),
      updated_at: tx.now.toISOString(),
    }
    await tx.db.updateTable('webhook_deliveries').set(changes).where('id', '=', id).execute()
    const view = presentDelivery({ ...row, ...changes }, (await attemptsOf(tx.db, [id])).get(id) ?? [])
    tx.audit({
      action: 'webhook_delivery.retried',
      objectId: id,
      enterpriseId: endpoint.enterprise_id,
      jurisdictionId: endpoint.jurisdiction_id,
      state: { ...view, attempts: view.attempts.length },
    })
    await notifyDispatchers(tx.db, database)
    return { status: 202, body: view }
  })
  signalDeliveriesDue()
  return outcome
}

/** Queues again every failed delivery of an endpoint created since a time (after an outage). */
export async function recoverEndpoint(
  database: Database,
  context: WriteContext & { actor: Principal },
  endpointId: string,
  since: string,
): Promise<
  WriteOutcome<{ object: 'webhook_recovery'; endpoint_id: string; since: string; requeued: number }>
> {
  const outcome = await runWrite(database, context, async (tx) => {
    const endpoint = await findEndpoint(tx.db, context.actor, endpointId)
    const at = tx.now.toISOString()
    const result = await tx.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: at, updated_at: at })
      .where('endpoint_id', '=', endpointId)
      .where('status', '=', 'failed')
      .where('created_at', '>=', since)
      .executeTakeFirst()
    const body = {
      object: 'webhook_recovery' as const,
      endpoint_id: endpointId,
      since,
      requeued: Number(result.numUpdatedRows),
    }
    tx.audit({
      action: 'webhook_endpoint.recovered',
      objectId: endpointId,
      enterpriseId: endpoint.enterprise_id,
      jurisdictionId: endpoint.jurisdiction_id,
      state: body,
    })
    await notifyDispatchers(tx.db, database)
    return { status: 202, body }
  })
  signalDeliveriesDue()
  return outcome
}
