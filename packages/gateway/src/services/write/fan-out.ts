import type { Transaction } from 'kysely'
import { newId } from '../../domain/ids.js'
import type { Schema, WebhookDeliveryTable } from '../../storage/schema.js'

/** An event as written to the outbox, with what decides who receives it. */
export interface OutboxEvent {
  id: string
  sequence: number
  type: string
  enterpriseId: string | null
  /** Set for a test ping: this endpoint only, instead of every subscriber. */
  endpointId?: string | undefined
}

export interface Subscriber {
  id: string
  enterpriseId: string | null
  types: ReadonlySet<string>
}

/**
 * The enabled endpoints that may receive some of these events: the events' enterprises'
 * own endpoints, and regulator endpoints (which receive every event). Read before the
 * append lock is taken, so a write holds the lock no longer for having subscribers to
 * look up; an endpoint created by a write that commits meanwhile receives the events of
 * later writes.
 */
export async function subscribersOf(
  trx: Transaction<Schema>,
  events: readonly { enterpriseId: string | null }[],
): Promise<Subscriber[]> {
  if (events.length === 0) return []
  const owners = [...new Set(events.map((event) => event.enterpriseId).filter((id) => id !== null))]
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select(['id', 'enterprise_id', 'event_types'])
    .where('status', '=', 'enabled')
    .where((eb) =>
      owners.length > 0
        ? eb.or([eb('enterprise_id', 'is', null), eb('enterprise_id', 'in', owners)])
        : eb('enterprise_id', 'is', null),
    )
    .execute()
  return endpoints.map((endpoint) => ({
    id: endpoint.id,
    enterpriseId: endpoint.enterprise_id,
    types: new Set(JSON.parse(endpoint.event_types) as string[]),
  }))
}

/**
 * Writes a pending delivery of each event to each subscriber that receives it. It runs in
 * the transaction that writes the events, so no event commits without its deliveries and a
 * crash loses neither. Returns how many it wrote.
 */
export async function fanOutEvents(
  trx: Transaction<Schema>,
  events: readonly OutboxEvent[],
  subscribers: readonly Subscriber[],
  at: string,
): Promise<number> {
  if (subscribers.length === 0) return 0
  const rows: WebhookDeliveryTable[] = []
  for (const event of events) {
    for (const endpoint of subscribers) {
      const receives = event.endpointId
        ? endpoint.id === event.endpointId
        : (endpoint.enterpriseId === null || endpoint.enterpriseId === event.enterpriseId) &&
          (endpoint.types.has('*') || endpoint.types.has(event.type))
      if (!receives) continue
      rows.push({
        id: newId('whd'),
        endpoint_id: endpoint.id,
        event_id: event.id,
        event_sequence: event.sequence,
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        lease_until: null,
        created_at: at,
        updated_at: at,
      })
    }
  }
  if (rows.length > 0) await trx.insertInto('webhook_deliveries').values(rows).execute()
  return rows.length
}
