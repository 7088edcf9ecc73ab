import { awaitingEnterpriseSql } from '../../domain/disputes/deadline-state.js'
import { system } from '../../domain/principal.js'
import type { Database } from '../../storage/database.js'
import type { DisputeTable } from '../../storage/schema.js'
import type { WriteTransaction } from '../write/index.js'
import type { DeadlinePolicy } from './deadline-policy.js'
import { escalationColumns } from './effects/status-changes.js'
import { assigneeOf, auditState, presentDispute } from './presenter.js'
import { saveDispute } from './saving.js'
import { runDisputeWrite } from './timeline-write.js'

const BATCH = 200

export interface ScanResult {
  warned: number
  overdue: number
}

/**
 * Finds disputes whose deadline is near or past while the enterprise still owes an answer,
 * and records each once: `dispute.deadline_approaching` when `respond_by` is within the
 * warning window, `dispute.overdue` (marking the dispute) once it has passed. Each dispute is
 * its own write, re-checked under its lock, so scanners on several instances never emit twice.
 */
export async function scanDeadlines(
  database: Database,
  policy: DeadlinePolicy,
  now = database.clock.now(),
): Promise<ScanResult> {
  const result: ScanResult = { warned: 0, overdue: 0 }
  const nowIso = now.toISOString()

  const late = await database.db
    .selectFrom('disputes')
    .select('id')
    .where(awaitingEnterpriseSql())
    .where('overdue_notified_at', 'is', null)
    .where('respond_by', '<', nowIso)
    .orderBy('respond_by')
    .limit(BATCH)
    .execute()
  for (const { id } of late) {
    if (await markOverdue(database, policy, id, now)) result.overdue += 1
  }

  // Due for a warning: respond_by no later than the end of the working day that lies
  // `warningWorkingDays` ahead. Earliest first, so a backlog never starves the most urgent.
  const horizon = policy.calendar.respondBy(now, policy.warningWorkingDays).toISOString()
  const soon = await database.db
    .selectFrom('disputes')
    .select('id')
    .where(awaitingEnterpriseSql())
    .where('deadline_warned_at', 'is', null)
    .where('respond_by', '>=', nowIso)
    .where('respond_by', '<=', horizon)
    .orderBy('respond_by')
    .limit(BATCH)
    .execute()
  for (const { id } of soon) {
    if (await warn(database, id, now)) result.warned += 1
  }
  return result
}

async function lockedAwaiting(tx: WriteTransaction, id: string) {
  let query = tx.db.selectFrom('disputes').selectAll().where('id', '=', id).where(awaitingEnterpriseSql())
  if (tx.dialect === 'postgres') query = query.forUpdate()
  return query.executeTakeFirst()
}

async function markOverdue(
  database: Database,
  policy: DeadlinePolicy,
  id: string,
  now: Date,
): Promise<boolean> {
  const { body } = await runDisputeWrite(
    database,
    { actor: system, requestId: `deadline-scan-${now.getTime()}` },
    async (tx) => {
      const current = await lockedAwaiting(tx, id)
      if (!current || current.overdue_notified_at !== null) return { status: 200, body: false }
      const at = tx.now.toISOString()
      const escalate = policy.autoEscalateOverdue
      const next: DisputeTable = {
        ...current,
        overdue: 1,
        overdue_notified_at: at,
        status: escalate ? 'escalated' : current.status,
        ...(escalate ? escalationColumns(policy, current, at) : {}),
        version: current.version + 1,
        updated_at: at,
      }
      await saveDispute(tx, current, next)
      tx.audit({
        action: escalate ? 'dispute.overdue_escalated' : 'dispute.marked_overdue',
        disputeId: id,
        enterpriseId: next.assignee_id,
        jurisdictionId: next.jurisdiction_id,
        objectId: id,
        state: auditState(next),
        details: { respond_by: next.respond_by, auto_escalated: escalate },
      })
      const snapshot = presentDispute(next, 'event', tx.now)
      const about = {
        enterpriseId: next.assignee_id,
        assignee: assigneeOf(next),
        jurisdictionId: next.jurisdiction_id,
        disputeId: id,
      }
      tx.emit({ type: 'dispute.overdue', ...about, object: snapshot })
      if (escalate) tx.emit({ type: 'dispute.escalated', ...about, object: snapshot })
      return { status: 200, body: true }
    },
  )
  return body
}

async function warn(database: Database, id: string, now: Date): Promise<boolean> {
  const { body } = await runDisputeWrite(
    database,
    { actor: system, requestId: `deadline-scan-${now.getTime()}` },
    async (tx) => {
      const current = await lockedAwaiting(tx, id)
      if (!current || current.deadline_warned_at !== null) return { status: 200, body: false }
      const next = { ...current, deadline_warned_at: tx.now.toISOString() }
      // A reminder changes no state that anyone acts on, so it bumps no version and needs no audit entry.
      await tx.db
        .updateTable('disputes')
        .set({ deadline_warned_at: next.deadline_warned_at })
        .where('id', '=', id)
        .execute()
      tx.emit({
        type: 'dispute.deadline_approaching',
        enterpriseId: next.assignee_id,
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
