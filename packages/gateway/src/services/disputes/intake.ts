import type { Static } from 'typebox'
import { newId } from '../../domain/ids.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import { utc } from '../../schemas/common.js'
import type { IntakeBody } from '../../schemas/disputes.js'
import type { Database } from '../../storage/database.js'
import type { DisputeTable } from '../../storage/schema.js'
import { findInSubtree } from '../jurisdictions/tree.js'
import type { WriteContext, WriteOutcome } from '../write/index.js'
import { type DeadlinePolicy, deadlineColumns } from './deadline-policy.js'
import { activeEnterprise } from './locking.js'
import { auditState, type DisputeView, presentDispute } from './presenter.js'
import { runDisputeWrite } from './timeline-write.js'

/**
 * Intake: the regulator's intake centre routes a consumer complaint to an ODR enterprise.
 * The dispute starts `assigned`, with its deadline counted in working days from now. It is
 * received in the caller's jurisdiction, or in a node of its subtree that the caller names.
 */
export function intake(
  database: Database,
  deadlines: DeadlinePolicy,
  context: WriteContext & { actor: Principal },
  input: Static<typeof IntakeBody>,
): Promise<WriteOutcome<DisputeView>> {
  return runDisputeWrite(database, context, async (tx) => {
    const existing = await tx.db
      .selectFrom('disputes')
      .select('id')
      .where('external_ref', '=', input.external_ref)
      .executeTakeFirst()
    if (existing) {
      throw problem('conflict', `Intake ticket ${input.external_ref} is already dispute ${existing.id}.`, {
        extensions: { existing_id: existing.id },
      })
    }
    const jurisdiction = await findInSubtree(
      tx.db,
      context.actor,
      input.jurisdiction_id ?? context.actor.jurisdictionId ?? '',
    )
    await activeEnterprise(tx, input.enterprise_id)
    const at = tx.now.toISOString()
    const row = intakeRow(input, {
      id: newId('dsp', tx.now.getTime()),
      at,
      ...deadlineOf(deadlineColumns(deadlines, tx.now)),
      jurisdictionId: jurisdiction.id,
    })
    await tx.db.insertInto('disputes').values(row).execute()
    tx.audit({
      action: 'dispute.created',
      disputeId: row.id,
      enterpriseId: row.enterprise_id,
      jurisdictionId: row.jurisdiction_id,
      objectId: row.id,
      state: auditState(row),
      personalData: { name: input.consumer.name, phone: input.consumer.phone },
      details: {
        external_ref: row.external_ref,
        channel: row.channel,
        enterprise_id: row.enterprise_id,
        jurisdiction_id: row.jurisdiction_id,
      },
    })
    tx.emit({
      type: 'dispute.assigned',
      enterpriseId: row.enterprise_id,
      jurisdictionId: row.jurisdiction_id,
      disputeId: row.id,
      object: presentDispute(row, 'event', tx.now),
    })
    return { status: 201, body: presentDispute(row, context.actor, tx.now) }
  })
}

/**
 * A dispute's row as intake stores it: `assigned` to the enterprise, version 1, nothing done
 * yet. `at` is the intake's time, `respondBy` its deadline, `respondByProvisional` whether
 * that deadline was counted through days off derived rather than published, `jurisdictionId`
 * where it was received.
 */
export function intakeRow(
  input: Static<typeof IntakeBody>,
  {
    id,
    at,
    respondBy,
    respondByProvisional = false,
    jurisdictionId,
  }: { id: string; at: string; respondBy: string; respondByProvisional?: boolean; jurisdictionId: string },
): DisputeTable {
  return {
    id,
    external_ref: input.external_ref,
    channel: input.channel,
    status: 'assigned',
    resolution: null,
    assignee_type: 'enterprise',
    enterprise_id: input.enterprise_id,
    jurisdiction_id: jurisdictionId,
    consumer_name: input.consumer.name,
    consumer_phone: input.consumer.phone,
    personal_data_erased_at: null,
    problem_type: input.problem_type,
    category: input.category ?? null,
    claim: JSON.stringify(input.claim),
    purchase: input.purchase ? JSON.stringify(input.purchase) : null,
    received_at: input.received_at ? utc(input.received_at) : at,
    assigned_at: at,
    respond_by: respondBy,
    respond_by_provisional: respondByProvisional ? 1 : 0,
    accepted_at: null,
    settled_at: null,
    closed_at: null,
    overdue: 0,
    deadline_warned_at: null,
    overdue_notified_at: null,
    settlement: null,
    refunded_amount: 0,
    outcome: null,
    feedback: null,
    first_contact_at: null,
    escalated_at: null,
    feedback_satisfaction: null,
    feedback_resolved: null,
    handling_ms: null,
    version: 1,
    created_at: at,
    updated_at: at,
  }
}

function deadlineOf(columns: Pick<DisputeTable, 'respond_by' | 'respond_by_provisional'>) {
  return { respondBy: columns.respond_by, respondByProvisional: columns.respond_by_provisional === 1 }
}
