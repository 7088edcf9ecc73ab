import { compiled, type StatementTarget } from '../../storage/compiled-statement.js'
import type { Database } from '../../storage/database.js'
import type { TimelineTable } from '../../storage/schema.js'
import type { AppendedEntry, AuditEntryActor, AuditRecord } from '../audit/index.js'
import {
  type AppendedProjection,
  runWrite,
  type TimelineLine,
  type WriteContext,
  type WriteOutcome,
  type WriteResponse,
  type WriteTransaction,
} from '../write/index.js'

/**
 * A dispute's timeline: the audit entries about it, as its readers see them (the action,
 * the actor, what changed, no personal data), keyed by the entry's index in the log so
 * each line can be proved.
 */
export const recordTimeline: AppendedProjection = Object.assign(
  async (trx: StatementTarget, entries: readonly AppendedEntry[]) => {
    const rows = entries.flatMap(({ index, at, actor, record }) => {
      const line = timelineLine(record, actor)
      return line ? [{ leaf_index: index, at, ...line }] : []
    })
    if (rows.length > 0) await insertTimeline.execute(trx, rows)
  },
  { timelineLine },
)

/** An entry's line in its dispute's timeline, but for its index and time; none for an entry about no dispute. */
function timelineLine(record: AuditRecord, actor: AuditEntryActor): TimelineLine | undefined {
  if (!record.disputeId) return undefined
  return {
    dispute_id: record.disputeId,
    action: record.action,
    actor: JSON.stringify(actor),
    object_id: record.objectId,
    details: JSON.stringify(record.details ?? {}),
  }
}

const insertTimeline = compiled<TimelineTable>()((db, p, rows) =>
  db.insertInto('timeline_entries').values(
    Array.from({ length: rows }, (_, row) => ({
      leaf_index: p('leaf_index', row),
      dispute_id: p('dispute_id', row),
      action: p('action', row),
      actor: p('actor', row),
      at: p('at', row),
      object_id: p('object_id', row),
      details: p('details', row),
    })),
  ),
)

/** A write about disputes: `runWrite`, with each dispute's timeline kept in the same transaction. */
export function runDisputeWrite<T>(
  database: Database,
  context: WriteContext,
  work: (tx: WriteTransaction) => Promise<WriteResponse<T>>,
): Promise<WriteOutcome<T>> {
  return runWrite(database, context, (tx) => {
    tx.onAppended(recordTimeline)
    return work(tx)
  })
}
