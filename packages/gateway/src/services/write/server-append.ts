import type { Transaction } from 'kysely'
import { canonicalBytes } from '../../domain/canonical-json.js'
import { newId } from '../../domain/ids.js'
import { callAndCommit } from '../../storage/inline-commit.js'
import { Placeholder } from '../../storage/placeholder.js'
import type { Schema } from '../../storage/schema.js'
import {
  type AuditContext,
  type AuditEntryActor,
  type AuditRecord,
  auditEntry,
  commitToPersonalData,
  entryActor,
} from '../audit/index.js'
import { type EventRecord, eventEnvelope } from './events.js'
import { receiversOf, type Subscriber } from './fan-out.js'

/** Where an audit entry's index goes in its canonical JSON, before the database gives it. */
const entryIndex = new Placeholder('index')
/** Where an event's sequence goes in its envelope, before the database gives it. */
const eventSequence = new Placeholder('sequence')

/** A dispute's timeline line for an entry, but for its index and time (`recordTimeline`). */
export interface TimelineLine {
  dispute_id: string
  action: string
  actor: string
  object_id: string
  details: string
}

/** How a timeline projection turns an entry's record into its line (`recordTimeline`). */
export type TimelineLineOf = (record: AuditRecord, actor: AuditEntryActor) => TimelineLine | undefined

export interface ServerAppend {
  lock: number
  audits: readonly AuditRecord[]
  context: AuditContext
  /** The timeline line of each record, when the write keeps its disputes' timelines. */
  timelineLine?: TimelineLineOf | undefined
  events: readonly EventRecord[]
  subscribers: readonly Subscriber[]
  /** The channel to notify when deliveries were written. */
  wakeChannel: string
}

/**
 * The end of a write on PostgreSQL: its append and its commit, in one round trip. One call of
 * `hejie_append` (migration 0021) takes the append lock, reads where the log and the outbox
 * end, and writes the entries with their Merkle nodes, salts and timeline lines, the events
 * and their deliveries; the transaction's COMMIT travels with it (`callAndCommit`).
 *
 * Every round trip a write makes while it holds the append lock lengthens every other
 * write's wait, and from a busy gateway a round trip lasts as long as an event-loop turn:
 * appending from here took six of them under the lock, and the commit a seventh. Now the
 * lock is held for the function's own work and the commit's flush, and nothing else.
 * Everything that needs no position is built here, before: the entries' canonical JSON with
 * a placeholder for the index, the events' envelopes with one for the sequence, the salts,
 * who receives each event. The database only puts the positions in and hashes.
 *
 * The transaction has committed when this resolves. Returns how many deliveries were written.
 */
export async function appendAndCommitOnServer(
  trx: Transaction<Schema>,
  append: ServerAppend,
): Promise<number> {
  const { context } = append
  const actor = entryActor(context.actor)
  const entries = append.audits.map((record) => {
    const personal = commitToPersonalData(record)
    const entry = auditEntry(
      record,
      { actor, requestId: context.requestId, at: context.at },
      entryIndex,
      personal?.commitment,
    )
    return {
      template: entryIndex.template(canonicalBytes(entry).toString('utf8')),
      dispute_id: record.disputeId ?? null,
      enterprise_id: record.enterpriseId ?? null,
      jurisdiction_id: record.jurisdictionId,
      salt: personal ? personal.salt.toString('hex') : null,
      salt_dispute_id: record.disputeId ?? record.objectId,
      timeline: append.timelineLine?.(record, actor) ?? null,
    }
  })
  let deliveries = 0
  const events = append.events.map((event) => {
    const id = newId('evt')
    const receivers = receiversOf(event, append.subscribers)
    deliveries += receivers.length
    return {
      id,
      type: event.type,
      enterprise_id: event.enterpriseId,
      dispute_id: event.disputeId ?? null,
      jurisdiction_id: event.jurisdictionId,
      template: eventSequence.template(JSON.stringify(eventEnvelope(event, id, eventSequence, context.at))),
      deliveries: receivers.map((endpoint) => ({ id: newId('whd'), endpoint_id: endpoint.id })),
    }
  })
  await callAndCommit(
    trx,
    'hejie_append',
    JSON.stringify({
      lock: append.lock,
      at: context.at,
      index_token: entryIndex.serialized,
      sequence_token: eventSequence.serialized,
      entries,
      events,
      notify: deliveries > 0 ? append.wakeChannel : null,
    }),
  )
  return deliveries
}
