import { newId } from '../../../domain/ids.js'
import type { FeedbackRecord } from '../records.js'
import { disputeUpdated, type EffectOf } from './effect.js'

/** The regulator records the consumer's feedback on a closed dispute, once. */
export const recordFeedback: EffectOf<'feedback'> = ({ tx, current, body }) => {
  const feedback: FeedbackRecord = {
    id: newId('fbk', tx.now.getTime()),
    object: 'feedback',
    dispute_id: current.id,
    resolved: body.resolved,
    satisfaction: body.satisfaction,
    note: body.note ?? null,
    recorded_at: tx.now.toISOString(),
  }
  return {
    changes: {
      feedback: JSON.stringify(feedback),
      feedback_satisfaction: feedback.satisfaction,
      feedback_resolved: feedback.resolved ? 1 : 0,
    },
    created: { id: feedback.id, view: feedback },
    auditAction: 'feedback.recorded',
    details: { resolved: feedback.resolved, satisfaction: feedback.satisfaction },
    events: disputeUpdated,
  }
}
