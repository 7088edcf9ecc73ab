import { newId } from '../../../domain/ids.js'
import { utc } from '../../../schemas/common.js'
import { insertRow } from '../../../storage/shaped-statement.js'
import { presentSettlement } from '../records.js'
import { type EffectOf, recordEvent } from './effect.js'

/** The enterprise records the settlement agreed with the consumer; the dispute keeps a copy of it. */
export const recordSettlement: EffectOf<'settlements'> = async ({ tx, current, body, evidence }) => {
  const at = tx.now.toISOString()
  const row = {
    id: newId('stl', tx.now.getTime()),
    dispute_id: current.id,
    enterprise_id: current.assignee_id,
    remedy: body.remedy,
    amount: body.amount?.amount ?? null,
    terms: body.terms,
    agreed_at: utc(body.agreed_at),
    consent_method: body.consumer_consent.method,
    consent_reference: body.consumer_consent.reference,
    created_at: at,
    consumer_confirmation: null,
  }
  await insertRow(tx, 'settlements', row)
  const view = presentSettlement(row, evidence)
  return {
    changes: { settled_at: at, settlement: JSON.stringify(view) },
    created: { id: row.id, view },
    auditAction: 'settlement.recorded',
    details: { remedy: row.remedy, amount: view.amount, consent_method: row.consent_method },
    events: (next) => [recordEvent('settlement.recorded', next, view)],
  }
}
