import { withoutComment } from '../../domain/confirmation/answers.js'
import { isOverdue } from '../../domain/disputes/deadline-state.js'
import { factsOf } from '../../domain/disputes/facts.js'
import { allowedActions, type Caller } from '../../domain/disputes/lifecycle.js'
import { maskName, maskPhone } from '../../domain/privacy.js'
import type { DisputeTable } from '../../storage/schema.js'

export interface Respondent {
  name: string
  uscc?: string
  address?: string
  area_code?: string
}

export interface Routing {
  rule_id?: string
  matched_by: 'explicit' | 'uscc' | 'name' | 'rule' | 'fallback'
  explanation: string
}

/** Who a dispute is presented to: decides personal-data visibility and `allowed_actions`. */
export type Viewer = Caller | 'event'

export function money(amount: number) {
  return { amount, currency: 'CNY' as const }
}

function parsed<T>(json: string | null): T | null {
  return json === null ? null : (JSON.parse(json) as T)
}

/**
 * The consumer's name and phone: in full to a regulator, and to the assigned enterprise
 * while the dispute is open (it must call the consumer); masked to it once closed; never in
 * an event, which travels to webhooks and is kept for months.
 */
function consumerFor(row: Pick<DisputeTable, 'consumer_name' | 'consumer_phone' | 'status'>, viewer: Viewer) {
  if (viewer === 'event' || row.consumer_name === null || row.consumer_phone === null) {
    return { name: null, phone: null }
  }
  if (viewer.role !== 'regulator' && row.status === 'closed') {
    return { name: maskName(row.consumer_name), phone: maskPhone(row.consumer_phone) }
  }
  return { name: row.consumer_name, phone: row.consumer_phone }
}

/** Who holds a dispute: an enterprise or one of the bureau's handling units. */
export function assigneeOf(row: Pick<DisputeTable, 'assignee_type' | 'assignee_id'>) {
  return { type: row.assignee_type, id: row.assignee_id }
}

/** An event shows what the assignee may do. */
function eventCaller(row: DisputeTable): Caller {
  return row.assignee_type === 'unit'
    ? { role: 'unit', enterpriseId: null, unitId: row.assignee_id }
    : { role: 'enterprise', enterpriseId: row.assignee_id }
}

export function presentDispute(row: DisputeTable, viewer: Viewer, now: Date) {
  const caller: Caller = viewer === 'event' ? eventCaller(row) : viewer
  return {
    id: row.id,
    object: 'dispute' as const,
    external_ref: row.external_ref,
    channel: row.channel,
    status: row.status,
    resolution: row.resolution,
    enterprise_id: row.enterprise_id,
    assignee: assigneeOf(row),
    respondent: parsed<Respondent>(row.respondent),
    routing: parsed<Routing>(row.routing),
    jurisdiction_id: row.jurisdiction_id,
    consumer: consumerFor(row, viewer),
    problem_type: row.problem_type,
    category: row.category,
    claim: JSON.parse(row.claim),
    purchase: parsed<object>(row.purchase) ?? {},
    received_at: row.received_at,
    assigned_at: row.assigned_at,
    respond_by: row.respond_by,
    respond_by_provisional: row.respond_by_provisional === 1,
    accepted_at: row.accepted_at,
    settled_at: row.settled_at,
    closed_at: row.closed_at,
    overdue: isOverdue(row, now),
    settlement: parsed<object>(row.settlement),
    refunded: money(row.refunded_amount),
    outcome: parsed<object>(row.outcome),
    feedback: parsed<object>(row.feedback),
    urge_count: row.urge_count,
    last_urged_at: row.last_urged_at,
    mediation_due_at: row.mediation_due_at,
    allowed_actions: allowedActions(factsOf(row), caller),
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

export type DisputeView = ReturnType<typeof presentDispute>

/** The columns a line of the register reads: an export selects these and nothing else. */
export const registerColumns = [
  'id',
  'external_ref',
  'channel',
  'status',
  'resolution',
  'assignee_type',
  'assignee_id',
  'respondent',
  'jurisdiction_id',
  'consumer_name',
  'consumer_phone',
  'problem_type',
  'category',
  'claim',
  'received_at',
  'assigned_at',
  'respond_by',
  'accepted_at',
  'settled_at',
  'closed_at',
  'overdue',
  'refunded_amount',
  'created_at',
] as const satisfies readonly (keyof DisputeTable)[]

export type RegisterSource = Pick<DisputeTable, (typeof registerColumns)[number]>

/**
 * A dispute as one line of the register (the CSV export): the fields of `presentDispute`
 * that the register files, by the same rules (who sees the consumer, when a dispute is
 * overdue), without what it does not file. At a million lines an export cannot afford to
 * read every column and parse every record of each dispute, nor to work out its actions.
 */
export function presentRegisterEntry(row: RegisterSource, caller: Caller, now: Date) {
  return {
    id: row.id,
    external_ref: row.external_ref,
    channel: row.channel,
    status: row.status,
    resolution: row.resolution,
    assignee: assigneeOf(row),
    respondent: parsed<Respondent>(row.respondent),
    jurisdiction_id: row.jurisdiction_id,
    consumer: consumerFor(row, caller),
    problem_type: row.problem_type,
    category: row.category,
    claim: JSON.parse(row.claim) as DisputeView['claim'],
    received_at: row.received_at,
    assigned_at: row.assigned_at,
    respond_by: row.respond_by,
    accepted_at: row.accepted_at,
    settled_at: row.settled_at,
    closed_at: row.closed_at,
    overdue: isOverdue(row, now),
    refunded: money(row.refunded_amount),
    created_at: row.created_at,
  } satisfies Partial<DisputeView>
}

export type RegisterEntry = ReturnType<typeof presentRegisterEntry>

/**
 * The dispute's state as the audit log commits to it: no personal data, no viewer-specific
 * parts. The phone key is personal data too: the log is never erased, and the key would
 * link the consumer's complaints after the erasure. The consumer's comment on the settlement
 * (in the dispute's copy of it) is left out as well.
 */
export function auditState(row: DisputeTable) {
  const { consumer_name: _name, consumer_phone: _phone, consumer_phone_key: _phoneKey, ...rest } = row
  if (rest.settlement === null || !rest.settlement.includes('"comment"')) return rest
  return { ...rest, settlement: JSON.stringify(withoutComment(JSON.parse(rest.settlement) as object)) }
}
