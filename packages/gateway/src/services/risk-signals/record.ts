import { newId } from '../../domain/ids.js'
import { system } from '../../domain/principal.js'
import type { Database } from '../../storage/database.js'
import type { RiskSignalTable } from '../../storage/schema.js'
import { runWrite } from '../write/index.js'
import type { DetectedSignal } from './detect.js'
import { presentRiskSignal } from './presenter.js'
import type { RiskWindow } from './windows.js'

/**
 * Stores a signal found in a window. The first time (no row for its kind, jurisdiction,
 * subject and window yet) it is inserted and `risk_signal.raised` is emitted in the same
 * transaction; after that its numbers, disputes and explanation are brought up to date.
 * The unique index decides which insert is first: a second process inserting the same
 * signal at the same moment waits for the first to commit and then inserts nothing, so the
 * event is emitted once. Returns whether it was raised now.
 */
export async function recordSignal(
  database: Database,
  signal: DetectedSignal,
  window: RiskWindow,
  disputes: readonly string[],
  requestId: string,
): Promise<boolean> {
  const { body } = await runWrite(database, { actor: system, requestId }, async (tx) => {
    const at = tx.now.toISOString()
    const row: RiskSignalTable = {
      id: newId('rsk', tx.now.getTime()),
      kind: signal.kind,
      jurisdiction_id: signal.jurisdictionId,
      subject_key: signal.subjectKey,
      enterprise_id: signal.subject.enterprise_id ?? null,
      category: signal.subject.category ?? null,
      problem_type: signal.subject.problem_type ?? null,
      window_start: window.start,
      window_end: window.end,
      value: signal.value,
      baseline: signal.baseline,
      threshold: signal.threshold,
      disputes: JSON.stringify(disputes),
      explanation: signal.explanation,
      first_raised_at: at,
      last_seen_at: at,
    }
    const inserted = await tx.db
      .insertInto('risk_signals')
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(['kind', 'jurisdiction_id', 'subject_key', 'window_start']).doNothing(),
      )
      .executeTakeFirst()
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
      // Regulators only: the feed and webhooks of the signal's jurisdiction and its
      // ancestors; no enterprise receives the watchlist.
      tx.emit({
        type: 'risk_signal.raised',
        enterpriseId: null,
        jurisdictionId: row.jurisdiction_id,
        object: presentRiskSignal(row),
      })
      return { status: 201, body: true }
    }
    await tx.db
      .updateTable('risk_signals')
      .set({
        value: row.value,
        baseline: row.baseline,
        threshold: row.threshold,
        disputes: row.disputes,
        explanation: row.explanation,
        last_seen_at: at,
      })
      .where('kind', '=', row.kind)
      .where('jurisdiction_id', '=', row.jurisdiction_id)
      .where('subject_key', '=', row.subject_key)
      .where('window_start', '=', row.window_start)
      .execute()
    return { status: 200, body: false }
  })
  return body
}
