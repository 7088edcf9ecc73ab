import { compiled } from '../../storage/compiled-statement.js'
import type { Database } from '../../storage/database.js'
import type { TimelineTable } from '../../storage/schema.js'
import {
  type AppendedProjection,
  runWrite,
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
export const recordTimeline: AppendedProjection = async (trx, entries) => {
  const rows = entries
    .filter((entry) => entry.record.disputeId)
    .map(({ index, at, actor, record }) => ({
      leaf_index: index,
      dispute_id: record.disputeId as string,
      action: record.action,
      actor: JSON.stringify(actor),
      at,
      object_id: record.objectId,
      details: JSON.stringify(record.details ?? {}),
    }))
  if (rows.length > 0) await insertTimeline.execute(trx, rows)
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
