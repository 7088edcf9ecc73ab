import { system } from '../../domain/principal.js'
import type { Database } from '../../storage/database.js'
import type { DisputeTable } from '../../storage/schema.js'
import type { EventRecord, WriteTransaction } from '../write/index.js'
import type { DeadlinePolicy } from './deadline-policy.js'
import { assigneeOf, presentDispute } from './presenter.js'
import { runDisputeWrite } from './timeline-write.js'

const BATCH = 200

export interface MediationScanResult {
  warned: number
  overdue: number
}

/**
 * Administrative mediation's deadline, watched as `respond_by` is: for escalated disputes,
 * `dispute.mediation_deadline_approaching` once `mediation_due_at` is within the warning
 * window, `dispute.mediation_overdue` once it has passed; each once, re-checked under the
 * dispute's lock so that scanners on several instances never send one twice. The events
 * are the bureau's: its regulators receive them, and the unit holding the dispute, if a
 * unit does; never the enterprise that could not settle it.
 */
export async function scanMediationDeadlines(
  database: Database,
  policy: DeadlinePolicy,
  now = database.clock.now(),
): Promise<MediationScanResult> {
  const nowIso = now.toISOString()
  const late = await database.db
    .selectFrom('disputes')
    .select('id')
    .where('status', '=', 'escalated')
    .where('mediation_due_at', '<', nowIso)
    .where('mediation_overdue_at', 'is', null)
    .orderBy('mediation_due_at')
    .limit(BATCH)
    .execute()
  const horizon = policy.calendar.respondBy(now, policy.warningWorkingDays).toISOString()
  const soon = await database.db
    .selectFrom('disputes')
    .select('id')
    .where('status', '=', 'escalated')
    .where('mediation_due_at', '>=', nowIso)
    .where('mediation_due_at', '<=', horizon)
    .where('mediation_warned_at', 'is', null)
    .orderBy('mediation_due_at')
    .limit(BATCH)
    .execute()
  const result: MediationScanResult = { warned: 0, overdue: 0 }
  for (const { id } of late) {
    if (await record(database, id, now, 'mediation_overdue_at', 'dispute.mediation_overdue'))
      result.overdue += 1
  }
  for (const { id } of soon) {
    if (await record(database, id, now, 'mediation_warned_at', 'dispute.mediation_deadline_approaching'))
      result.warned += 1
  }
  return result
}

async function lockedEscalated(tx: WriteTransaction, id: string) {
  let query = tx.db.selectFrom('disputes').selectAll().where('id', '=', id).where('status', '=', 'escalated')
  if (tx.dialect === 'postgres') query = query.forUpdate()
  return query.executeTakeFirst()
}

/** Marks one dispute's mediation deadline as warned of, or passed, and sends its event. */
async function record(
  database: Database,
  id: string,
  now: Date,
  column: 'mediation_warned_at' | 'mediation_overdue_at',
  type: Extract<EventRecord['type'], 'dispute.mediation_deadline_approaching' | 'dispute.mediation_overdue'>,
): Promise<boolean> {
  const { body } = await runDisputeWrite(
    database,
    { actor: system, requestId: `mediation-scan-${now.getTime()}` },
    async (tx) => {
      const current = await lockedEscalated(tx, id)
      if (!current || current[column] !== null) return { status: 200, body: false }
      const next: DisputeTable = { ...current, [column]: tx.now.toISOString() }
      // Like the response deadline's reminders: no state anyone acts on changes, so no
      // version bump and no audit entry; the event is the record.
      await tx.db
        .updateTable('disputes')
        .set({ [column]: next[column] })
        .where('id', '=', id)
        .execute()
      tx.emit({
        type,
        enterpriseId: next.assignee_type === 'unit' ? next.assignee_id : null,
        assignee: assigneeOf(next),
        jurisdictionId: next.jurisdiction_id,
        disputeId: id,
        object: presentDispute(next, 'event', tx.now),
      })
      return { status: 200, body: true }
    },
  )
  return body
}
