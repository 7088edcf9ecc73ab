import type { Localized } from '../localized.js'
import type { Role } from '../principal.js'

/**
 * The dispute state machine, as pure rules: which action each role may take in which
 * status, and where it leads. Routes and services ask it; nothing else decides.
 *
 *   assigned ──accept──▶ in_progress ──settlement──▶ settled ──outcome: fulfilled──▶ closed (settled)
 *      │                    │  └──────outcome: not_settled (also from settled)──▶ escalated
 *      └──decline──▶ returned ──assign──▶ assigned (another enterprise or a unit)
 *   regulator, from any open status: withdraw ▶ closed (withdrawn); escalate ▶ escalated
 *   regulator: close escalated or returned ▶ closed (mediated | terminated | rejected)
 *   regulator: urge (督办) the assignee of an assigned, in-progress or settled dispute; the
 *   status stays. On an escalated dispute, a regulator (or the unit holding it) records
 *   mediation sessions (行政调解); the status stays until the regulator closes it.
 *
 * The assignee is an enterprise or a handling unit: both take the assignee's actions. A
 * dispute waiting at the centre (`assigned` to a centre unit, no deadline yet) is dispatched
 * by `assign`, by a regulator or by the centre's clients, and takes no assignee action; the
 * centre also dispatches the returned disputes it sees.
 */
export const disputeStatuses = [
  'assigned',
  'in_progress',
  'settled',
  'returned',
  'escalated',
  'closed',
] as const
export type DisputeStatus = (typeof disputeStatuses)[number]

export const resolutions = ['settled', 'withdrawn', 'mediated', 'terminated', 'rejected'] as const
export type Resolution = (typeof resolutions)[number]
/** What a regulator may close an escalated or returned dispute with. */
export const regulatorResolutions = ['mediated', 'terminated', 'rejected'] as const
export type RegulatorResolution = (typeof regulatorResolutions)[number]

/** Actions are named by their path segment under `/v1/disputes/{id}/`. */
export const disputeActions = [
  'accept',
  'decline',
  'contacts',
  'settlements',
  'refunds',
  'outcome',
  'assign',
  'escalate',
  'withdraw',
  'close',
  'feedback',
  'erase-personal-data',
  'urge',
  'mediation-records',
] as const
export type DisputeAction = (typeof disputeActions)[number]

const open: readonly DisputeStatus[] = ['assigned', 'in_progress', 'settled', 'returned', 'escalated']

/** Who takes an action: whoever holds the dispute (an enterprise or a unit), or a regulator. */
type Actor = 'assignee' | 'regulator' | 'mediator'

const rules: Record<DisputeAction, { role: Actor; from: readonly DisputeStatus[] }> = {
  accept: { role: 'assignee', from: ['assigned'] },
  decline: { role: 'assignee', from: ['assigned'] },
  contacts: { role: 'assignee', from: ['assigned', 'in_progress', 'settled'] },
  settlements: { role: 'assignee', from: ['in_progress'] },
  refunds: { role: 'assignee', from: ['settled'] },
  outcome: { role: 'assignee', from: ['in_progress', 'settled'] },
  // From `assigned` only while the centre holds it (see `transition`).
  assign: { role: 'regulator', from: ['returned', 'assigned'] },
  escalate: { role: 'regulator', from: ['assigned', 'in_progress', 'settled', 'returned'] },
  withdraw: { role: 'regulator', from: open },
  close: { role: 'regulator', from: ['escalated', 'returned'] },
  feedback: { role: 'regulator', from: ['closed'] },
  'erase-personal-data': { role: 'regulator', from: disputeStatuses },
  urge: { role: 'regulator', from: ['assigned', 'in_progress', 'settled'] },
  // A regulator, or the unit holding the dispute (a unit's own case that could not settle).
  'mediation-records': { role: 'mediator', from: ['escalated'] },
}

/** The facts about a dispute that the rules depend on. */
export interface DisputeFacts {
  status: DisputeStatus
  assignee: { type: 'enterprise' | 'unit'; id: string }
  /** Assigned to a centre, which has not dispatched it yet (no deadline runs). */
  awaitingDispatch: boolean
  hasFeedback: boolean
  personalDataErased: boolean
  /** Part of the settled amount is not refunded yet. */
  refundable: boolean
}

/** The role and tenant of whoever asks. */
export interface Caller {
  role: Role
  enterpriseId: string | null
  unitId?: string | null | undefined
  unitKind?: string | null | undefined
}

/** The roles whose clients may take an action (on some dispute): what a route admits. */
export function rolesOf(action: DisputeAction): Role[] {
  if (rules[action].role === 'assignee') return ['enterprise', 'unit']
  if (rules[action].role === 'mediator') return ['regulator', 'unit']
  // A centre's clients dispatch by hand.
  return action === 'assign' ? ['regulator', 'unit'] : ['regulator']
}

function holds(dispute: DisputeFacts, caller: Caller): boolean {
  return caller.role === 'enterprise'
    ? dispute.assignee.type === 'enterprise' && dispute.assignee.id === caller.enterpriseId
    : caller.role === 'unit' && dispute.assignee.type === 'unit' && dispute.assignee.id === caller.unitId
}

/** Whether the caller's role lets it take this action on this dispute (the state aside). */
export function mayTake(dispute: DisputeFacts, caller: Caller, action: DisputeAction): boolean {
  const rule = rules[action]
  if (caller.role === 'regulator') return rule.role === 'regulator' || rule.role === 'mediator'
  if (caller.role !== 'enterprise' && caller.role !== 'unit') return false
  if (action === 'assign') return caller.role === 'unit' && caller.unitKind === 'center'
  if (rule.role === 'mediator') return caller.role === 'unit' && holds(dispute, caller)
  return rule.role === 'assignee' && holds(dispute, caller)
}

/** Actions this caller may take on this dispute now (the dispute's `allowed_actions`). */
export function allowedActions(dispute: DisputeFacts, caller: Caller): DisputeAction[] {
  if (caller.role === 'enterprise' && !holds(dispute, caller)) return []
  return disputeActions.filter((action) => {
    const rule = rules[action]
    if (!mayTake(dispute, caller, action) || !rule.from.includes(dispute.status)) return false
    if (action === 'assign') return dispute.status === 'returned' || dispute.awaitingDispatch
    if (rule.role === 'assignee' && dispute.awaitingDispatch) return false
    if (action === 'feedback') return !dispute.hasFeedback
    if (action === 'erase-personal-data') return !dispute.personalDataErased
    // Not offered when nothing is left to refund; asked anyway, it is refused with
    // `refund_exceeds_settlement`, which says why.
    if (action === 'refunds') return dispute.refundable
    return true
  })
}

export type Transition =
  | { action: 'accept' }
  | { action: 'decline' }
  | { action: 'contacts' }
  | { action: 'settlements' }
  | { action: 'refunds' }
  | { action: 'outcome'; result: 'fulfilled' | 'not_settled' }
  | { action: 'assign' }
  | { action: 'escalate' }
  | { action: 'withdraw' }
  | { action: 'close'; resolution: RegulatorResolution }
  | { action: 'feedback' }
  | { action: 'erase-personal-data' }
  | { action: 'urge' }
  | { action: 'mediation-records' }

export type TransitionResult =
  | { ok: true; status: DisputeStatus; resolution: Resolution | null }
  | { ok: false; reason: Localized }

/**
 * Where an action leads from a status, or why it cannot be taken. The caller has already
 * checked the role; this answers for the state alone.
 */
export function transition(from: DisputeFacts, change: Transition): TransitionResult {
  const rule = rules[change.action]
  if (!rule.from.includes(from.status)) {
    return {
      ok: false,
      reason: {
        en: `A dispute in status ${from.status} does not allow ${change.action}.`,
        zh: `状态为 ${from.status} 的纠纷不能执行 ${change.action}。`,
      },
    }
  }
  if (change.action === 'assign' && from.status === 'assigned' && !from.awaitingDispatch) {
    return {
      ok: false,
      reason: {
        en: 'An assigned dispute is reassigned only while the centre holds it; its assignee declines it first.',
        zh: '已分派的纠纷只有在分派中心手中时才能改派；须先由承办方退回。',
      },
    }
  }
  if (rule.role === 'assignee' && from.awaitingDispatch) {
    return {
      ok: false,
      reason: {
        en: 'The dispute is waiting at the centre to be dispatched (assign).',
        zh: '该纠纷正在分派中心等待分派（assign）。',
      },
    }
  }
  const stay = { ok: true as const, status: from.status, resolution: null }
  switch (change.action) {
    case 'accept':
      return { ok: true, status: 'in_progress', resolution: null }
    case 'decline':
      return { ok: true, status: 'returned', resolution: null }
    case 'settlements':
      return { ok: true, status: 'settled', resolution: null }
    case 'outcome':
      if (change.result === 'fulfilled') {
        return from.status === 'settled'
          ? { ok: true, status: 'closed', resolution: 'settled' }
          : {
              ok: false,
              reason: {
                en: 'An outcome of fulfilled needs a recorded settlement first.',
                zh: '须先登记和解，才能报告履行结果 fulfilled。',
              },
            }
      }
      return { ok: true, status: 'escalated', resolution: null }
    case 'assign':
      return { ok: true, status: 'assigned', resolution: null }
    case 'escalate':
      return { ok: true, status: 'escalated', resolution: null }
    case 'withdraw':
      return { ok: true, status: 'closed', resolution: 'withdrawn' }
    case 'close':
      return { ok: true, status: 'closed', resolution: change.resolution }
    case 'feedback':
      return from.hasFeedback
        ? {
            ok: false,
            reason: {
              en: 'Feedback has already been recorded for this dispute.',
              zh: '该纠纷已经登记过回访反馈。',
            },
          }
        : stay
    case 'erase-personal-data':
      return from.personalDataErased
        ? {
            ok: false,
            reason: {
              en: 'The personal data of this dispute is already erased.',
              zh: '该纠纷的个人信息已被清除。',
            },
          }
        : stay
    case 'contacts':
    case 'refunds':
    case 'urge':
    case 'mediation-records':
      return stay
  }
}
