import { problem } from '../../../errors.js'
import type { DisputeTable } from '../../../storage/schema.js'
import { assignableUnit } from '../../dispatch/units.js'
import { deadlineColumns } from '../deadline-policy.js'
import { activeEnterprise } from '../locking.js'
import { assigneeOf } from '../presenter.js'
import { disputeEvent, type EffectOf } from './effect.js'

/**
 * A regulator, or the centre's clients, assign a returned dispute, or one waiting at the
 * centre, to an enterprise or to a handling unit: its deadline starts again (none while a
 * centre holds it), and the warning and overdue marks of the previous assignment go. The
 * previous holder learns only that the dispute left it.
 */
export const reassign: EffectOf<'assign'> = async ({ tx, principal, deadlines, current, body }) => {
  let to: { type: 'enterprise' | 'unit'; id: string }
  let toCenter = false
  if ('unit_id' in body) {
    const unit = await assignableUnit(tx, principal, body.unit_id)
    to = { type: 'unit', id: unit.id }
    toCenter = unit.kind === 'center'
  } else if ('enterprise_id' in body) {
    await activeEnterprise(tx, body.enterprise_id)
    to = { type: 'enterprise', id: body.enterprise_id }
  } else {
    throw problem('validation_failed', {
      en: 'Send exactly one of enterprise_id or unit_id.',
      zh: 'enterprise_id 和 unit_id 须且只能填写其中一个。',
    })
  }
  const previous = assigneeOf(current)
  // Contacts count for the holder that made them (a contact keeps its holder's id): the new
  // holder starts from its own, none unless the dispute comes back to one that held it before.
  const ownContacts = await tx.db
    .selectFrom('contacts')
    .select((eb) => eb.fn.min('contacted_at').as('first'))
    .where('dispute_id', '=', current.id)
    .where('enterprise_id', '=', to.id)
    .executeTakeFirst()
  const changes: Partial<DisputeTable> = {
    assignee_type: to.type,
    assignee_id: to.id,
    enterprise_id: to.type === 'enterprise' ? to.id : null,
    assigned_at: tx.now.toISOString(),
    ...(toCenter ? { respond_by: null, respond_by_provisional: 0 } : deadlineColumns(deadlines, tx.now)),
    accepted_at: null,
    overdue: 0,
    deadline_warned_at: null,
    overdue_notified_at: null,
    first_contact_at: ownContacts?.first ?? null,
    // Urges count against the holder that drew them: the new holder starts at zero.
    urge_count: 0,
    last_urged_at: null,
  }
  const moved = previous.type !== to.type || previous.id !== to.id
  return {
    changes,
    auditAction: 'dispute.assigned',
    details: {
      from_enterprise_id: current.enterprise_id,
      to_enterprise_id: to.type === 'enterprise' ? to.id : null,
      from: previous,
      to,
    },
    events: (next, now) => [
      disputeEvent('dispute.assigned', next, now),
      ...(moved
        ? [
            {
              type: 'dispute.reassigned_away' as const,
              enterpriseId: previous.id,
              assignee: previous,
              jurisdictionId: next.jurisdiction_id,
              disputeId: next.id,
              // The previous holder learns only that the dispute left it.
              object: {
                id: next.id,
                object: 'dispute',
                external_ref: next.external_ref,
                reassigned_at: next.assigned_at,
              },
            },
          ]
        : []),
    ],
  }
}
