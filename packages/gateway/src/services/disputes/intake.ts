import type { Kysely } from 'kysely'
import type { Static } from 'typebox'
import { newId } from '../../domain/ids.js'
import type { PhoneKeyer } from '../../domain/phone-key.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import { utc } from '../../schemas/common.js'
import type { IntakeBody } from '../../schemas/disputes.js'
import type { Database } from '../../storage/database.js'
import type { DisputeTable, Schema } from '../../storage/schema.js'
import { chooseAssignee } from '../dispatch/choose.js'
import { findInSubtree } from '../jurisdictions/tree.js'
import type { WriteContext, WriteOutcome } from '../write/index.js'
import { type DeadlinePolicy, deadlineColumns } from './deadline-policy.js'
import { bindEvidence, checkEvidence } from './evidence.js'
import { activeEnterprise } from './locking.js'
import { assigneeOf, auditState, type DisputeView, presentDispute, type Routing } from './presenter.js'
import { runDisputeWrite } from './timeline-write.js'

/**
 * Intake: the regulator's intake centre routes a consumer complaint to whoever must handle
 * it. Named (`enterprise_id`), the enterprise wins; else the dispatcher chooses from the
 * respondent (services/dispatch/). The dispute starts `assigned`, with its deadline counted
 * in working days from now, unless it waits at a centre to be dispatched by hand: then it
 * has none yet. It is received in the caller's jurisdiction, or in a node of its subtree
 * that the caller names. The consumer's phone is keyed for the repeat-complainant signal
 * by `phoneKeyer`; without one (the demo data, loaded before the gateway holds its master
 * key) the risk-signals job keys it on its next run.
 */
export function intake(
  database: Database,
  deadlines: DeadlinePolicy,
  context: WriteContext & { actor: Principal },
  input: Static<typeof IntakeBody>,
  phoneKeyer?: PhoneKeyer,
  /** For the sandbox's generated complaints: how the simulated consumer will answer. */
  sandboxScenario: string | null = null,
): Promise<WriteOutcome<DisputeView>> {
  assertRespondentOrEnterprise(input)
  return runDisputeWrite(database, context, async (tx) => {
    const existing = await tx.db
      .selectFrom('disputes')
      .select('id')
      .where('external_ref', '=', input.external_ref)
      .executeTakeFirst()
    if (existing) {
      throw problem(
        'conflict',
        {
          en: `Intake ticket ${input.external_ref} is already dispute ${existing.id}.`,
          zh: `受理单 ${input.external_ref} 已登记为纠纷 ${existing.id}。`,
        },
        {
          extensions: { existing_id: existing.id },
        },
      )
    }
    const jurisdiction = await findInSubtree(
      tx.db,
      context.actor,
      input.jurisdiction_id ?? context.actor.jurisdictionId ?? '',
    )
    const decision = await routeComplaint(tx, jurisdiction.id, input)
    const at = tx.now.toISOString()
    const row = intakeRow(input, {
      id: newId('dsp', tx.now.getTime()),
      at,
      ...(decision.awaitingDispatch ? { respondBy: null } : deadlineOf(deadlineColumns(deadlines, tx.now))),
      jurisdictionId: jurisdiction.id,
      assignee: decision.assignee,
      routing: decision.routing,
      phoneKey: phoneKeyer?.keyOf(input.consumer.phone) ?? null,
      sandboxScenario,
    })
    await tx.db.insertInto('disputes').values(row).execute()
    const evidence = await bindEvidence(
      tx,
      row.id,
      row.id,
      await checkEvidence(tx, context.actor, row.id, input.evidence),
    )
    tx.audit({
      action: 'dispute.created',
      disputeId: row.id,
      enterpriseId: row.assignee_id,
      jurisdictionId: row.jurisdiction_id,
      objectId: row.id,
      state: auditState(row),
      personalData: { name: input.consumer.name, phone: input.consumer.phone },
      details: {
        external_ref: row.external_ref,
        channel: row.channel,
        enterprise_id: row.enterprise_id,
        assignee: assigneeOf(row),
        routing: decision.routing,
        jurisdiction_id: row.jurisdiction_id,
        ...(evidence.length > 0 ? { evidence } : {}),
      },
      evidence,
    })
    tx.emit({
      type: 'dispute.assigned',
      enterpriseId: row.assignee_id,
      assignee: assigneeOf(row),
      jurisdictionId: row.jurisdiction_id,
      disputeId: row.id,
      object: presentDispute(row, 'event', tx.now),
    })
    return { status: 201, body: presentDispute(row, context.actor, tx.now) }
  })
}

/** Without an enterprise named, the dispatcher needs the respondent to go by. */
export function assertRespondentOrEnterprise(input: Static<typeof IntakeBody>): void {
  if (input.enterprise_id === undefined && input.respondent === undefined) {
    throw problem(
      'validation_failed',
      {
        en: 'Name the respondent (respondent.name), or the enterprise (enterprise_id).',
        zh: '请填写被投诉方（respondent.name）或企业（enterprise_id）。',
      },
      {
        errors: [
          {
            path: 'body/respondent',
            message: { en: 'required when enterprise_id is absent', zh: '未填写 enterprise_id 时为必填项' },
          },
        ],
      },
    )
  }
}

export interface RoutedComplaint {
  assignee: { type: 'enterprise' | 'unit'; id: string }
  routing: Routing
  /** Held by a centre, which dispatches it by hand: no deadline runs yet. */
  awaitingDispatch: boolean
}

/**
 * Who handles an intake and why: the enterprise named, checked to take disputes, or the
 * dispatcher's choice. Refused with `no_dispatch_target` when the dispatcher finds no one.
 * Changes nothing: intake stores the answer, the preview returns it.
 */
export async function routeComplaint(
  tx: { db: Kysely<Schema> },
  jurisdictionId: string,
  input: Static<typeof IntakeBody>,
): Promise<RoutedComplaint> {
  if (input.enterprise_id !== undefined) {
    const enterprise = await activeEnterprise(tx, input.enterprise_id)
    return {
      assignee: { type: 'enterprise', id: input.enterprise_id },
      routing: { matched_by: 'explicit', explanation: `the intake named the enterprise ${enterprise.name}.` },
      awaitingDispatch: false,
    }
  }
  const respondent = input.respondent ?? { name: '' }
  const decision = await chooseAssignee(tx.db, jurisdictionId, {
    problem_type: input.problem_type,
    category: input.category ?? null,
    channel: input.channel,
    description: input.claim.description,
    respondent: { name: respondent.name, uscc: respondent.uscc, area_code: respondent.area_code ?? null },
  })
  if (decision.assignee === null) {
    throw problem('no_dispatch_target', {
      en: 'No active enterprise matches the respondent, no routing rule matches the complaint, and no jurisdiction from this one up to the root has an active centre unit to dispatch it by hand.',
      zh: '没有与被投诉方匹配的在册企业，没有与该投诉匹配的分派规则，从本辖区直到根辖区也没有可供人工分派的有效分派中心。',
    })
  }
  const awaitingDispatch = decision.assignee.type === 'unit' && (await isCenter(tx, decision.assignee.id))
  return { assignee: decision.assignee, routing: decision.routing, awaitingDispatch }
}

async function isCenter(tx: { db: Kysely<Schema> }, unitId: string): Promise<boolean> {
  const unit = await tx.db
    .selectFrom('handling_units')
    .select('kind')
    .where('id', '=', unitId)
    .executeTakeFirst()
  return unit?.kind === 'center'
}

/**
 * A dispute's row as intake stores it: `assigned`, version 1, nothing done yet. `at` is the
 * intake's time, `respondBy` its deadline (null while a centre holds it),
 * `respondByProvisional` whether that deadline was counted through days off derived rather
 * than published, `jurisdictionId` where it was received, `assignee` who holds it (the
 * enterprise named, when absent), `routing` why and `phoneKey` the keyed hash of the
 * consumer's phone (domain/phone-key.ts).
 */
export function intakeRow(
  input: Static<typeof IntakeBody>,
  {
    id,
    at,
    respondBy,
    respondByProvisional = false,
    jurisdictionId,
    assignee = { type: 'enterprise', id: input.enterprise_id ?? '' },
    routing = { matched_by: 'explicit', explanation: 'the intake named the enterprise.' },
    phoneKey = null,
    sandboxScenario = null,
  }: {
    id: string
    at: string
    respondBy: string | null
    respondByProvisional?: boolean
    jurisdictionId: string
    assignee?: { type: 'enterprise' | 'unit'; id: string }
    routing?: Routing
    phoneKey?: string | null
    sandboxScenario?: string | null
  },
): DisputeTable {
  return {
    id,
    external_ref: input.external_ref,
    channel: input.channel,
    status: 'assigned',
    resolution: null,
    assignee_type: assignee.type,
    assignee_id: assignee.id,
    enterprise_id: assignee.type === 'enterprise' ? assignee.id : null,
    respondent: input.respondent ? JSON.stringify(input.respondent) : null,
    routing: JSON.stringify(routing),
    jurisdiction_id: jurisdictionId,
    consumer_name: input.consumer.name,
    consumer_phone: input.consumer.phone,
    consumer_phone_key: phoneKey,
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
    urge_count: 0,
    last_urged_at: null,
    mediation_due_at: null,
    mediation_warned_at: null,
    mediation_overdue_at: null,
    resolution_ms: null,
    consumer_decision: null,
    consumer_rating: null,
    sandbox_scenario: sandboxScenario,
    version: 1,
    created_at: at,
    updated_at: at,
  }
}

function deadlineOf(columns: { respond_by: string; respond_by_provisional: number }) {
  return { respondBy: columns.respond_by, respondByProvisional: columns.respond_by_provisional === 1 }
}
