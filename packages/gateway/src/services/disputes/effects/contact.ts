import { newId } from '../../../domain/ids.js'
import { utc } from '../../../schemas/common.js'
import { insertRow } from '../../../storage/shaped-statement.js'
import { presentContact } from '../records.js'
import { disputeUpdated, type EffectOf } from './effect.js'

/** The enterprise records a contact with the consumer; the dispute's status stays. */
export const recordContact: EffectOf<'contacts'> = async ({ tx, current, body, evidence }) => {
  const row = {
    id: newId('ctc', tx.now.getTime()),
    dispute_id: current.id,
    enterprise_id: current.assignee_id,
    channel: body.channel,
    contacted_at: utc(body.contacted_at),
    reached: body.reached ? 1 : 0,
    summary: body.summary,
    created_at: tx.now.toISOString(),
  }
  await insertRow(tx, 'contacts', row)
  const view = presentContact(row, evidence)
  return {
    // The indicators' "contacted by respond_by" reads the earliest contact of the holder.
    changes: {
      first_contact_at:
        current.first_contact_at !== null && current.first_contact_at <= row.contacted_at
          ? current.first_contact_at
          : row.contacted_at,
    },
    created: { id: row.id, view },
    auditAction: 'contact.recorded',
    details: { channel: row.channel, reached: body.reached, contacted_at: row.contacted_at },
    events: disputeUpdated,
  }
}
