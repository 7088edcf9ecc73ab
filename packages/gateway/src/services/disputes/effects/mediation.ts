import { newId } from '../../../domain/ids.js'
import { utc } from '../../../schemas/common.js'
import type { MediationRecordTable } from '../../../storage/schema.js'
import { insertRow } from '../../../storage/shaped-statement.js'
import { presentMediationRecord } from '../records.js'
import { disputeUpdated, type EffectOf } from './effect.js'

/**
 * The bureau records a session of administrative mediation on an escalated dispute; the
 * status stays escalated until a regulator closes it with the result (`mediated` when the
 * parties agreed, `terminated` when mediation ended without agreement).
 */
export const recordMediation: EffectOf<'mediation-records'> = async ({
  tx,
  principal,
  current,
  body,
  evidence,
}) => {
  const row: MediationRecordTable = {
    id: newId('med', tx.now.getTime()),
    dispute_id: current.id,
    recorded_by: principal.unitId ?? principal.clientId,
    held_at: utc(body.held_at),
    method: body.method,
    participants: JSON.stringify(body.participants),
    summary: body.summary,
    agreement: body.agreement ?? null,
    created_at: tx.now.toISOString(),
  }
  await insertRow(tx, 'mediation_records', row)
  return {
    created: { id: row.id, view: presentMediationRecord(row, evidence) },
    auditAction: 'mediation.recorded',
    details: { method: row.method, held_at: row.held_at, agreement: row.agreement !== null },
    events: disputeUpdated,
  }
}
