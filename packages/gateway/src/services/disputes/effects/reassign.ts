import { deadlineColumns } from '../deadline-policy.js'
import { activeEnterprise } from '../locking.js'
import { disputeEvent, type EffectOf } from './effect.js'

/**
 * The regulator assigns a returned dispute to an enterprise: its deadline starts again, and
 * the warning and overdue marks of the previous assignment go.
 */
export const reassign: EffectOf<'assign'> = async ({ tx, deadlines, current, body }) => {
  const enterpriseId = body.enterprise_id
  await activeEnterprise(tx, enterpriseId)
  const previous = current.enterprise_id
  // Contacts count for the enterprise that made them: the new holder starts from its own
  // (none, unless the dispute comes back to an enterprise that held it before).
  const ownContacts = await tx.db
    .selectFrom('contacts')
    .select((eb) => eb.fn.min('contacted_at').as('first'))
    .where('dispute_id', '=', current.id)
    .where('enterprise_id', '=', enterpriseId)
    .executeTakeFirst()
  return {
    changes: {
      enterprise_id: enterpriseId,
      assigned_at: tx.now.toISOString(),
      ...deadlineColumns(deadlines, tx.now),
      accepted_at: null,
      overdue: 0,
      deadline_warned_at: null,
      overdue_notified_at: null,
      first_contact_at: ownContacts?.first ?? null,
    },
    auditAction: 'dispute.assigned',
    details: { from_enterprise_id: previous, to_enterprise_id: enterpriseId },
    events: (next, now) => [
      disputeEvent('dispute.assigned', next, now),
      ...(previous === enterpriseId
        ? []
        : [
            {
              type: 'dispute.reassigned_away' as const,
              enterpriseId: previous,
              jurisdictionId: next.jurisdiction_id,
              disputeId: next.id,
              // The enterprise that declined learns only that the dispute left it.
              object: {
                id: next.id,
                object: 'dispute',
                external_ref: next.external_ref,
                reassigned_at: next.assigned_at,
              },
            },
          ]),
    ],
  }
}
