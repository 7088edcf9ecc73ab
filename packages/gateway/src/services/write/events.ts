import { newId } from '../../domain/ids.js'
import type { eventTypes } from '../../schemas/events.js'
import { compiled, type StatementTarget } from '../../storage/compiled-statement.js'
import type { Placeholder } from '../../storage/placeholder.js'
import type { EventTable } from '../../storage/schema.js'
import { fanOutEvents, type Subscriber } from './fan-out.js'

export type EventType = (typeof eventTypes)[number]

/** An event a write emits, delivered to `enterpriseId`'s feed (and to regulators). */
export interface EventRecord {
  type: EventType
  /** Whose feed and webhooks receive it: an enterprise's id, or a handling unit's. */
  enterpriseId: string | null
  /** For an event about a dispute: who holds it (the envelope's `assignee`). */
  assignee?: { type: 'enterprise' | 'unit'; id: string } | null | undefined
  /** Which regulators see it: those whose jurisdiction's subtree holds this node. */
  jurisdictionId: string
  disputeId?: string | undefined
  /** Snapshot of the object after the change, as the API presents it to the enterprise. */
  object: unknown
  /** Only to this webhook endpoint (a test ping), instead of to every subscriber. */
  endpointId?: string | undefined
}

/** The event as its feed and its webhooks carry it. `sequence` is a placeholder when the database gives it. */
export function eventEnvelope(event: EventRecord, id: string, sequence: number | Placeholder, at: string) {
  return {
    id,
    object: 'event',
    type: event.type,
    sequence,
    created_at: at,
    // A unit's event names no enterprise: its holder is in `assignee`.
    enterprise_id: event.assignee?.type === 'unit' ? null : event.enterpriseId,
    assignee: event.assignee ?? null,
    data: { object: event.object },
  }
}

/**
 * Writes events into the outbox with the next sequence numbers, and their webhook
 * deliveries to `subscribers` beside them. The caller holds the append lock until commit, so sequence order
 * is commit order: a reader paging with `after` can never see a later sequence commit
 * before an earlier one. Returns how many deliveries were written.
 */
export async function appendEvents(
  trx: StatementTarget,
  events: readonly EventRecord[],
  at: string,
  firstSequence: number,
  subscribers: readonly Subscriber[],
): Promise<number> {
  if (events.length === 0) return 0
  const rows = events.map((event, offset) => {
    const sequence = firstSequence + offset
    const id = newId('evt')
    return {
      sequence,
      id,
      type: event.type,
      enterprise_id: event.enterpriseId,
      dispute_id: event.disputeId ?? null,
      jurisdiction_id: event.jurisdictionId,
      created_at: at,
      data: JSON.stringify(eventEnvelope(event, id, sequence, at)),
    }
  })
  await insertEvents.execute(trx, rows)
  return fanOutEvents(
    trx,
    rows.map((row, offset) => ({
      id: row.id,
      sequence: row.sequence,
      type: row.type,
      enterpriseId: row.enterprise_id,
      jurisdictionId: row.jurisdiction_id,
      endpointId: events[offset]?.endpointId,
    })),
    subscribers,
    at,
  )
}

const insertEvents = compiled<EventTable>()((db, p, rows) =>
  db.insertInto('events').values(
    Array.from({ length: rows }, (_, row) => ({
      sequence: p('sequence', row),
      id: p('id', row),
      type: p('type', row),
      enterprise_id: p('enterprise_id', row),
      dispute_id: p('dispute_id', row),
      jurisdiction_id: p('jurisdiction_id', row),
      created_at: p('created_at', row),
      data: p('data', row),
    })),
  ),
)
