import { problem } from '../../../errors.js'
import { utc } from '../../../schemas/common.js'
import { disputeEvent, type EffectOf } from './effect.js'

/**
 * A regulator urges (督办) whoever holds the dispute: the note reaches the assignee as
 * `dispute.urged`, the urge is counted against that assignee, and a new `respond_by`, when
 * given, replaces the deadline, so that its warning and its overdue event fire again against
 * the new date. A dispute already overdue stays marked so: late is late.
 */
export const urge: EffectOf<'urge'> = ({ tx, current, body }) => {
  const at = tx.now.toISOString()
  const respondBy = body.respond_by === undefined ? undefined : utc(body.respond_by)
  if (respondBy !== undefined && respondBy <= at) {
    throw problem(
      'validation_failed',
      { en: 'respond_by must be in the future.', zh: 'respond_by（督办回复期限）必须晚于当前时间。' },
      {
        errors: [{ path: 'body/respond_by', message: { en: 'not in the future', zh: '不晚于当前时间' } }],
      },
    )
  }
  return {
    changes: {
      urge_count: current.urge_count + 1,
      last_urged_at: at,
      ...(respondBy === undefined
        ? {}
        : {
            respond_by: respondBy,
            respond_by_provisional: 0,
            deadline_warned_at: null,
            overdue_notified_at: current.overdue === 1 ? current.overdue_notified_at : null,
          }),
    },
    auditAction: 'dispute.urged',
    details: { note: body.note, respond_by: respondBy ?? null, urge_count: current.urge_count + 1 },
    events: (next, now) => [disputeEvent('dispute.urged', next, now)],
  }
}
