import type { DisputeTable } from '../../../storage/schema.js'
import { type DeadlinePolicy, mediationDueAt } from '../deadline-policy.js'
import { disputeEvent, disputeUpdated, type EffectOf } from './effect.js'

/**
 * The columns an escalation to administrative mediation sets: when it was first escalated,
 * and the mediation deadline counted from then (kept if it was escalated before).
 */
export function escalationColumns(
  policy: DeadlinePolicy,
  current: DisputeTable,
  at: string,
): Pick<DisputeTable, 'escalated_at' | 'mediation_due_at'> {
  const escalatedAt = current.escalated_at ?? at
  return {
    escalated_at: escalatedAt,
    mediation_due_at: current.mediation_due_at ?? mediationDueAt(policy, new Date(at)),
  }
}

/** The actions that move a dispute along its lifecycle without creating a record: what each stores and records. */

export const accept: EffectOf<'accept'> = ({ tx, body }) => ({
  changes: { accepted_at: tx.now.toISOString() },
  auditAction: 'dispute.accepted',
  details: { note: body.note ?? null },
  events: disputeUpdated,
})

export const decline: EffectOf<'decline'> = ({ body }) => ({
  auditAction: 'dispute.declined',
  details: { reason: body.reason, note: body.note ?? null },
  events: disputeUpdated,
})

export const reportOutcome: EffectOf<'outcome'> = ({ tx, deadlines, current, body }) => {
  const outcome = { ...body, reason: body.reason ?? null, reported_at: tx.now.toISOString() }
  return {
    changes: {
      outcome: JSON.stringify(outcome),
      // Not settled: the dispute goes to administrative mediation.
      ...(outcome.result === 'not_settled' ? escalationColumns(deadlines, current, outcome.reported_at) : {}),
    },
    auditAction: 'dispute.outcome_reported',
    details: { result: outcome.result, reason: outcome.reason },
    events: (next, now) => [
      disputeEvent(next.status === 'closed' ? 'dispute.closed' : 'dispute.escalated', next, now),
    ],
  }
}

export const escalate: EffectOf<'escalate'> = ({ tx, deadlines, current, body }) => ({
  changes: escalationColumns(deadlines, current, tx.now.toISOString()),
  auditAction: 'dispute.escalated',
  details: { reason: body.reason },
  events: (next, now) => [disputeEvent('dispute.escalated', next, now)],
})

export const withdraw: EffectOf<'withdraw'> = ({ body }) => ({
  auditAction: 'dispute.withdrawn',
  details: { note: body.note ?? null },
  events: (next, now) => [disputeEvent('dispute.closed', next, now)],
})

export const close: EffectOf<'close'> = ({ body }) => ({
  auditAction: 'dispute.closed',
  details: { resolution: body.resolution, note: body.note ?? null },
  events: (next, now) => [disputeEvent('dispute.closed', next, now)],
})
