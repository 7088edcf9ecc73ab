import { newId } from '../../domain/ids.js'
import { compiled, type StatementTarget } from '../../storage/compiled-statement.js'
import type { WebhookDeliveryTable } from '../../storage/schema.js'

/** An event as written to the outbox, with what decides who receives it. */
export interface OutboxEvent {
  id: string
  sequence: number
  type: string
  enterpriseId: string | null
  jurisdictionId: string
  /** Set for a test ping: this endpoint only, instead of every subscriber. */
  endpointId?: string | undefined
}

export interface Subscriber {
  id: string
  enterpriseId: string | null
  /** For a regulator's endpoint: the events' jurisdictions that lie in its subtree. */
  jurisdictions: ReadonlySet<string>
  types: ReadonlySet<string>
}

/**
 * The enabled endpoints that may receive some of these events: the events' enterprises'
 * own endpoints, and the endpoints of regulators whose subtree holds an event's
 * jurisdiction. Read before the append lock is taken, so a write holds the lock no longer
 * for having subscribers to look up; an endpoint created by a write that commits meanwhile
 * receives the events of later writes.
 */
export async function subscribersOf(
  trx: StatementTarget,
  events: readonly { enterpriseId: string | null; jurisdictionId: string }[],
): Promise<Subscriber[]> {
  if (events.length === 0) return []
  const owners = [...new Set(events.map((event) => event.enterpriseId).filter((id) => id !== null))]
  const places = [...new Set(events.map((event) => event.jurisdictionId))]
  const enterpriseEndpoints =
    owners.length === 0
      ? []
      : (
          await endpointsOfEnterprises.execute(
            trx,
            owners.map((id) => ({ id })),
          )
        ).rows
  const regulatorEndpoints = (
    await endpointsOfRegulators.execute(
      trx,
      places.map((id) => ({ id })),
    )
  ).rows
  const regulators = new Map<string, Subscriber & { jurisdictions: Set<string> }>()
  for (const row of regulatorEndpoints) {
    const known = regulators.get(row.id)
    if (known) known.jurisdictions.add(row.descendant_id)
    else
      regulators.set(row.id, {
        id: row.id,
        enterpriseId: null,
        jurisdictions: new Set([row.descendant_id]),
        types: new Set(JSON.parse(row.event_types) as string[]),
      })
  }
  return [
    ...enterpriseEndpoints.map((endpoint) => ({
      id: endpoint.id,
      enterpriseId: endpoint.enterprise_id,
      jurisdictions: new Set<string>(),
      types: new Set(JSON.parse(endpoint.event_types) as string[]),
    })),
    ...regulators.values(),
  ]
}

/**
 * Writes a pending delivery of each event to each subscriber that receives it. It runs in
 * the transaction that writes the events, so no event commits without its deliveries and a
 * crash loses neither. Returns how many it wrote.
 */
export async function fanOutEvents(
  trx: StatementTarget,
  events: readonly OutboxEvent[],
  subscribers: readonly Subscriber[],
  at: string,
): Promise<number> {
  if (subscribers.length === 0) return 0
  const rows: WebhookDeliveryTable[] = []
  for (const event of events) {
    for (const endpoint of receiversOf(event, subscribers)) {
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
  if (rows.length > 0) await insertDeliveries.execute(trx, rows)
  return rows.length
}

/**
 * The subscribers that receive `event`: the one endpoint of a test ping; otherwise an
 * enterprise's endpoints its own events, a regulator's the events of its subtree, each only
 * of the types it asked for.
 */
export function receiversOf(
  event: Pick<OutboxEvent, 'type' | 'enterpriseId' | 'jurisdictionId' | 'endpointId'>,
  subscribers: readonly Subscriber[],
): Subscriber[] {
  return subscribers.filter((endpoint) =>
    event.endpointId
      ? endpoint.id === event.endpointId
      : (endpoint.enterpriseId === null
          ? endpoint.jurisdictions.has(event.jurisdictionId)
          : endpoint.enterpriseId === event.enterpriseId) &&
        (endpoint.types.has('*') || endpoint.types.has(event.type)),
  )
}

/** The enabled endpoints of the enterprises `id` (one row of parameters per enterprise). */
const endpointsOfEnterprises = compiled<{ id: string }>()((db, p, rows) =>
  db
    .selectFrom('webhook_endpoints')
    .select(['id', 'enterprise_id', 'event_types'])
    .where('status', '=', 'enabled')
    .where(
      'enterprise_id',
      'in',
      Array.from({ length: rows }, (_, row) => p('id', row)),
    ),
)

/**
 * The enabled regulator endpoints whose subtree holds one of the jurisdictions `id`: an
 * endpoint once per such jurisdiction (its node an ancestor of it).
 */
const endpointsOfRegulators = compiled<{ id: string }>()((db, p, rows) =>
  db
    .selectFrom('webhook_endpoints as e')
    .innerJoin('jurisdiction_closure as c', 'c.ancestor_id', 'e.jurisdiction_id')
    .select(['e.id', 'e.event_types', 'c.descendant_id'])
    .where('e.status', '=', 'enabled')
    .where('e.enterprise_id', 'is', null)
    .where(
      'c.descendant_id',
      'in',
      Array.from({ length: rows }, (_, row) => p('id', row)),
    ),
)

const insertDeliveries = compiled<WebhookDeliveryTable>()((db, p, rows) =>
  db.insertInto('webhook_deliveries').values(
    Array.from({ length: rows }, (_, row) => ({
      id: p('id', row),
      endpoint_id: p('endpoint_id', row),
      event_id: p('event_id', row),
      event_sequence: p('event_sequence', row),
      status: p('status', row),
      attempts: p('attempts', row),
      next_attempt_at: p('next_attempt_at', row),
      lease_until: p('lease_until', row),
      created_at: p('created_at', row),
      updated_at: p('updated_at', row),
    })),
  ),
)
