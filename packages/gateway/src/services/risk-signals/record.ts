import { newId } from '../../domain/ids.js'
import { system } from '../../domain/principal.js'
import type { Database } from '../../storage/database.js'
import type { RiskSignalTable } from '../../storage/schema.js'
import { runWrite } from '../write/index.js'
import type { DetectedSignal } from './detect.js'
import { presentRiskSignal } from './presenter.js'
import type { RiskWindow } from './windows.js'

/** A signal found again with the same numbers and sentence as stored: only seen again. */
export interface SeenAgain {
  id: string
}

/** A signal new, or found with numbers that changed: stored whole, with its disputes listed. */
export interface Found {
  signal: DetectedSignal
  disputes: readonly string[]
}

/**
 * Stores the signals found in a window, in one transaction: one commit (one fsync) for a run
 * however many signals hold. A signal seen for the first time (no row for its kind,
 * jurisdiction, subject and window yet) is inserted and `risk_signal.raised` is emitted with
 * it; one whose numbers changed is brought up to date; one unchanged only has its
 * `last_seen_at` moved. The unique index decides which insert is first: a second process
 * inserting the same signal at the same moment waits for the first to commit and then
 * inserts nothing, so the event is emitted once. Returns how many were raised now.
 */
export async function recordSignals(
  database: Database,
  window: RiskWindow,
  found: readonly Found[],
  seenAgain: readonly SeenAgain[],
  requestId: string,
): Promise<number> {
  if (found.length === 0 && seenAgain.length === 0) return 0
  const { body } = await runWrite(database, { actor: system, requestId }, async (tx) => {
    const at = tx.now.toISOString()
    let raised = 0
    for (const { signal, disputes } of found) {
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
        raised += 1
        continue
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
    }
    for (let from = 0; from < seenAgain.length; from += SEEN_PER_STATEMENT) {
      const ids = seenAgain.slice(from, from + SEEN_PER_STATEMENT).map((seen) => seen.id)
      await tx.db.updateTable('risk_signals').set({ last_seen_at: at }).where('id', 'in', ids).execute()
    }
    return { status: 200, body: raised }
  })
  return body
}

/** Ids per `in (…)` list: well under SQLite's limit of bound parameters. */
const SEEN_PER_STATEMENT = 500
