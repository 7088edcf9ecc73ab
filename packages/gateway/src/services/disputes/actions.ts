import type { Static } from 'typebox'
import { isOverdue } from '../../domain/disputes/deadline-state.js'
import { factsOf, settledAmount } from '../../domain/disputes/facts.js'
import {
  allowedActions,
  type DisputeAction,
  roleOf,
  type Transition,
  transition,
} from '../../domain/disputes/lifecycle.js'
import { newId } from '../../domain/ids.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import { utc } from '../../schemas/common.js'
import type { actionBodies } from '../../schemas/disputes.js'
import type { Database } from '../../storage/database.js'
import type { DisputeTable } from '../../storage/schema.js'
import type { EventRecord } from '../write/event-append.js'
import { runWrite, type WriteContext, type WriteOutcome, type WriteTransaction } from '../write/run-write.js'
import { type DeadlinePolicy, respondBy } from './deadline-policy.js'
import { activeEnterprise, lockDispute } from './locking.js'
import { auditState, money, presentDispute } from './presenter.js'
import { type FeedbackRecord, presentContact, presentRefund, presentSettlement } from './records.js'

export type ActionBodies = { [A in keyof typeof actionBodies]: Static<(typeof actionBodies)[A]> }

/** One action on one dispute, with its body. */
export type ActionRequest = { [A in DisputeAction]: { action: A; body: ActionBodies[A] } }[DisputeAction]

/** What an action's own rule does, beyond the common path (lock, check, save, audit). */
interface Effect {
  /** Columns that change on the dispute. */
  changes: Partial<DisputeTable>
  /** A record the action creates (answered with 201), or none (answered with the dispute). */
  created?: { id: string; view: unknown; auditAction: string }
  auditAction?: string
  details: Record<string, unknown>
  events: (next: DisputeTable, now: Date) => EventRecord[]
}

function ifMatchVersion(ifMatch: string | undefined): number | '*' | undefined {
  if (ifMatch === undefined) return undefined
  const value = ifMatch
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
  if (value === '*') return '*'
  if (!/^\d+$/.test(value))
    throw problem('precondition_failed', 'If-Match must be the ETag of the dispute, e.g. "3".')
  return Number(value)
}

function transitionOf(request: ActionRequest): Transition {
  switch (request.action) {
    case 'outcome':
      return { action: 'outcome', result: request.body.result }
    case 'close':
      return { action: 'close', resolution: request.body.resolution }
    default:
      return { action: request.action } as Transition
  }
}

function disputeEvent(type: EventRecord['type'], next: DisputeTable, now: Date): EventRecord {
  return {
    type,
    enterpriseId: next.enterprise_id,
    disputeId: next.id,
    object: presentDispute(next, 'event', now),
  }
}

/**
 * Carries out an action on a dispute in one write: lock the row, check the caller's role,
 * `If-Match` and the state machine, apply the action's rule, bump the version, and commit
 * the change with its audit entry and its event.
 */
export function act(
  database: Database,
  deadlines: DeadlinePolicy,
  context: WriteContext & { actor: Principal },
  id: string,
  request: ActionRequest,
  ifMatch?: string,
): Promise<WriteOutcome<unknown>> {
  const principal = context.actor
  const expectedVersion = ifMatchVersion(ifMatch)
  return runWrite(database, context, async (tx) => {
    const current = await lockDispute(tx, database, principal, id)
    if (roleOf(request.action) !== principal.role) {
      throw problem('forbidden', `Only ${roleOf(request.action)} clients may ${request.action} a dispute.`)
    }
    if (expectedVersion !== undefined && expectedVersion !== '*' && expectedVersion !== current.version) {
      throw problem(
        'precondition_failed',
        `The dispute is at version ${current.version}, not ${expectedVersion}.`,
        {
          extensions: { current_version: current.version },
        },
      )
    }
    const result = transition(factsOf(current), transitionOf(request))
    if (!result.ok) {
      throw problem('invalid_transition', result.reason, {
        extensions: {
          current_status: current.status,
          allowed_actions: allowedActions(factsOf(current), principal),
        },
      })
    }

    const effect = await effectOf(tx, deadlines, current, request)
    const at = tx.now.toISOString()
    const next: DisputeTable = {
      ...current,
      // Late is late: an answer after respond_by keeps the dispute marked overdue, whether
      // or not the scanner got to it first (its event is the scanner's to send).
      overdue: isOverdue(current, tx.now) ? 1 : 0,
      ...effect.changes,
      status: result.status,
      resolution: result.resolution ?? current.resolution,
      closed_at: result.status === 'closed' && current.status !== 'closed' ? at : current.closed_at,
      version: current.version + 1,
      updated_at: at,
    }
    await tx.db.updateTable('disputes').set(next).where('id', '=', id).execute()

    tx.audit({
      action: effect.created?.auditAction ?? effect.auditAction ?? `dispute.${request.action}`,
      disputeId: id,
      enterpriseId: next.enterprise_id,
      objectId: effect.created?.id ?? id,
      state: effect.created ? effect.created.view : auditState(next),
      details: effect.details,
    })
    for (const event of effect.events(next, tx.now)) tx.emit(event)
    return effect.created
      ? { status: 201, body: effect.created.view }
      : { status: 200, body: presentDispute(next, principal, tx.now) }
  })
}

async function effectOf(
  tx: WriteTransaction,
  deadlines: DeadlinePolicy,
  current: DisputeTable,
  request: ActionRequest,
): Promise<Effect> {
  const at = tx.now.toISOString()
  const updated = (next: DisputeTable, now: Date) => [disputeEvent('dispute.updated', next, now)]
  switch (request.action) {
    case 'accept':
      return {
        changes: { accepted_at: at },
        auditAction: 'dispute.accepted',
        details: { note: request.body.note ?? null },
        events: updated,
      }
    case 'decline':
      return {
        changes: {},
        auditAction: 'dispute.declined',
        details: { reason: request.body.reason, note: request.body.note ?? null },
        events: updated,
      }
    case 'contacts': {
      const row = {
        id: newId('ctc', tx.now.getTime()),
        dispute_id: current.id,
        enterprise_id: current.enterprise_id,
        channel: request.body.channel,
        contacted_at: utc(request.body.contacted_at),
        reached: request.body.reached ? 1 : 0,
        summary: request.body.summary,
        created_at: at,
      }
      await tx.db.insertInto('contacts').values(row).execute()
      const view = presentContact(row)
      return {
        changes: {},
        created: { id: row.id, view, auditAction: 'contact.recorded' },
        details: { channel: row.channel, reached: request.body.reached, contacted_at: row.contacted_at },
        events: updated,
      }
    }
    case 'settlements': {
      const row = {
        id: newId('stl', tx.now.getTime()),
        dispute_id: current.id,
        enterprise_id: current.enterprise_id,
        remedy: request.body.remedy,
        amount: request.body.amount?.amount ?? null,
        terms: request.body.terms,
        agreed_at: utc(request.body.agreed_at),
        consent_method: request.body.consumer_consent.method,
        consent_reference: request.body.consumer_consent.reference,
        created_at: at,
      }
      await tx.db.insertInto('settlements').values(row).execute()
      const view = presentSettlement(row)
      return {
        changes: { settled_at: at, settlement: JSON.stringify(view) },
        created: { id: row.id, view, auditAction: 'settlement.recorded' },
        details: { remedy: row.remedy, amount: view.amount, consent_method: row.consent_method },
        events: (next) => [
          { type: 'settlement.recorded', enterpriseId: next.enterprise_id, disputeId: next.id, object: view },
        ],
      }
    }
    case 'refunds':
      return recordRefund(tx, current, request.body)
    case 'outcome': {
      const outcome = { ...request.body, reason: request.body.reason ?? null, reported_at: at }
      return {
        changes: { outcome: JSON.stringify(outcome) },
        auditAction: 'dispute.outcome_reported',
        details: { result: outcome.result, reason: outcome.reason },
        events: (next, now) => [
          disputeEvent(next.status === 'closed' ? 'dispute.closed' : 'dispute.escalated', next, now),
        ],
      }
    }
    case 'assign':
      return reassign(tx, deadlines, current, request.body.enterprise_id)
    case 'escalate':
      return {
        changes: {},
        auditAction: 'dispute.escalated',
        details: { reason: request.body.reason },
        events: (next, now) => [disputeEvent('dispute.escalated', next, now)],
      }
    case 'withdraw':
    case 'close':
      return {
        changes: {},
        auditAction: request.action === 'withdraw' ? 'dispute.withdrawn' : 'dispute.closed',
        details:
          request.action === 'close'
            ? { resolution: request.body.resolution, note: request.body.note ?? null }
            : { note: request.body.note ?? null },
        events: (next, now) => [disputeEvent('dispute.closed', next, now)],
      }
    case 'feedback': {
      const feedback: FeedbackRecord = {
        id: newId('fbk', tx.now.getTime()),
        object: 'feedback',
        dispute_id: current.id,
        resolved: request.body.resolved,
        satisfaction: request.body.satisfaction,
        note: request.body.note ?? null,
        recorded_at: at,
      }
      return {
        changes: { feedback: JSON.stringify(feedback) },
        created: { id: feedback.id, view: feedback, auditAction: 'feedback.recorded' },
        details: { resolved: feedback.resolved, satisfaction: feedback.satisfaction },
        events: updated,
      }
    }
    case 'erase-personal-data':
      // The salts go with the data: the commitments in the log stay (so every proof stays
      // valid) but can no longer be linked to the consumer.
      await tx.db.deleteFrom('audit_salts').where('dispute_id', '=', current.id).execute()
      await scrubStoredResponses(tx, current.id)
      return {
        changes: { consumer_name: null, consumer_phone: null, personal_data_erased_at: at },
        auditAction: 'dispute.personal_data_erased',
        details: { note: request.body.note ?? null },
        events: updated,
      }
  }
}

async function recordRefund(
  tx: WriteTransaction,
  current: DisputeTable,
  body: ActionBodies['refunds'],
): Promise<Effect> {
  const settlement = current.settlement ? (JSON.parse(current.settlement) as { id: string }) : null
  if (!settlement) throw problem('invalid_transition', 'A refund needs a recorded settlement.')
  // The reference first: a retry of a refund already recorded must learn that it was
  // (409 with `existing_id`), even when paying it again would also exceed the settlement.
  const duplicate = await tx.db
    .selectFrom('refunds')
    .select(['id', 'dispute_id'])
    .where('enterprise_id', '=', current.enterprise_id)
    .where('reference', '=', body.reference)
    .executeTakeFirst()
  if (duplicate) {
    throw problem('conflict', `Refund reference ${body.reference} is already recorded as ${duplicate.id}.`, {
      extensions: { existing_id: duplicate.id },
    })
  }
  const settled = settledAmount(current)
  if (current.refunded_amount + body.amount.amount > settled) {
    throw problem(
      'refund_exceeds_settlement',
      `Refunds would total ${current.refunded_amount + body.amount.amount} fen, more than the ${settled} fen settled.`,
      { extensions: { settled: money(settled), refunded: money(current.refunded_amount) } },
    )
  }
  const at = tx.now.toISOString()
  const row = {
    id: newId('rfd', tx.now.getTime()),
    dispute_id: current.id,
    enterprise_id: current.enterprise_id,
    settlement_id: settlement.id,
    amount: body.amount.amount,
    method: body.method,
    reference: body.reference,
    refunded_at: utc(body.refunded_at),
    created_at: at,
  }
  await tx.db.insertInto('refunds').values(row).execute()
  const view = presentRefund(row)
  return {
    changes: { refunded_amount: current.refunded_amount + row.amount },
    created: { id: row.id, view, auditAction: 'refund.recorded' },
    details: { amount: view.amount, method: row.method, reference: row.reference },
    events: (next) => [
      { type: 'refund.recorded', enterpriseId: next.enterprise_id, disputeId: next.id, object: view },
    ],
  }
}

async function reassign(
  tx: WriteTransaction,
  deadlines: DeadlinePolicy,
  current: DisputeTable,
  enterpriseId: string,
): Promise<Effect> {
  await activeEnterprise(tx, enterpriseId)
  const previous = current.enterprise_id
  return {
    changes: {
      enterprise_id: enterpriseId,
      assigned_at: tx.now.toISOString(),
      respond_by: respondBy(deadlines, tx.now),
      accepted_at: null,
      overdue: 0,
      deadline_warned_at: null,
      overdue_notified_at: null,
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

/**
 * Idempotent replays would bring an erased consumer back: the stored responses that show
 * this dispute lose its consumer's name and phone too.
 */
async function scrubStoredResponses(tx: WriteTransaction, disputeId: string): Promise<void> {
  const stored = await tx.db
    .selectFrom('idempotency_keys')
    .select(['client_id', 'key', 'response_body'])
    .where('response_body', 'like', `%"id":"${disputeId}"%`)
    .execute()
  for (const row of stored) {
    const body = JSON.parse(row.response_body ?? 'null') as { id?: string; consumer?: unknown } | null
    if (body?.id !== disputeId || body.consumer === undefined) continue
    await tx.db
      .updateTable('idempotency_keys')
      .set({ response_body: JSON.stringify({ ...body, consumer: { name: null, phone: null } }) })
      .where('client_id', '=', row.client_id)
      .where('key', '=', row.key)
      .execute()
  }
}
