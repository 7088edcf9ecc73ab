import { isOverdue } from '../../domain/disputes/deadline-state.js'
import { factsOf } from '../../domain/disputes/facts.js'
import {
  allowedActions,
  type DisputeAction,
  mayTake,
  rolesOf,
  type Transition,
  transition,
} from '../../domain/disputes/lifecycle.js'
import { checkReportedTimes } from '../../domain/disputes/reported-times.js'
import { type IfMatch, ifMatchAllows, parseIfMatch } from '../../domain/if-match.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import { databaseFileStore } from '../../storage/file-store.js'
import type { DisputeTable } from '../../storage/schema.js'
import type { WriteContext, WriteOutcome } from '../write/index.js'
import type { DeadlinePolicy } from './deadline-policy.js'
import type { ActionBodies, Effect, EffectInput } from './effects/effect.js'
import { effects } from './effects/index.js'
import { bindEvidence, checkEvidence } from './evidence.js'
import { lockDispute } from './locking.js'
import { auditState, presentDispute } from './presenter.js'
import { saveDispute } from './saving.js'
import { runDisputeWrite } from './timeline-write.js'

/** One action on one dispute, with its body. */
export type ActionRequest = { [A in DisputeAction]: { action: A; body: ActionBodies[A] } }[DisputeAction]

function parsedIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined
  const parsed = parseIfMatch(header)
  if (!parsed) {
    throw problem('precondition_failed', {
      en: 'If-Match must be * or a list of the dispute’s ETags, e.g. "3".',
      zh: 'If-Match 须为 * 或纠纷 ETag 的列表，例如 "3"。',
    })
  }
  return parsed
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
  const condition = parsedIfMatch(ifMatch)
  const outcome = runDisputeWrite(database, context, async (tx) => {
    const current = await lockDispute(tx, principal, id)
    if (!mayTake(factsOf(current), principal, request.action)) {
      throw problem(
        'forbidden',
        request.action === 'assign'
          ? {
              en: 'Only regulators and the clients of a centre unit may assign a dispute.',
              zh: '只有监管部门和分派中心的客户端可以分派纠纷。',
            }
          : {
              en: `Only ${rolesOf(request.action).join(' or ')} clients may ${request.action} a dispute${rolesOf(request.action).includes('regulator') ? '' : ' they hold'}.`,
              zh: `只有 ${rolesOf(request.action).join(' 或 ')} 客户端可以对${rolesOf(request.action).includes('regulator') ? '' : '自己承办的'}纠纷执行 ${request.action}。`,
            },
      )
    }
    if (condition !== undefined && !ifMatchAllows(condition, current.version)) {
      throw problem(
        'precondition_failed',
        {
          en: `The dispute is at version ${current.version}; If-Match does not name its ETag "${current.version}" as a strong tag.`,
          zh: `纠纷当前版本为 ${current.version}；If-Match 中没有以强标签形式写明其 ETag "${current.version}"。`,
        },
        {
          extensions: { current_version: current.version },
        },
      )
    }
    const result = transition(factsOf(current), transitionOf(request))
    if (!result.ok) {
      throw problem(
        'invalid_transition',
        { en: result.reason.en, zh: result.reason.zh },
        {
          extensions: {
            current_status: current.status,
            allowed_actions: allowedActions(factsOf(current), principal),
          },
        },
      )
    }

    assertReportedTimes(request, current, tx.now)
    const cited = await checkEvidence(tx, principal, id, evidenceIn(request))
    const effect = await effectOf(
      {
        tx,
        principal,
        deadlines,
        current,
        evidence: cited.map((file) => file.id),
        files: databaseFileStore(database),
      },
      request,
    )
    const evidence = await bindEvidence(tx, id, effect.created?.id ?? id, cited)
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
    if (next.resolution === 'settled' && next.closed_at !== null && current.closed_at === null) {
      next.handling_ms = Date.parse(next.closed_at) - Date.parse(next.assigned_at)
    }
    // The consumer's wait, settled directly or through mediation (avg_days_to_resolution).
    if ((next.resolution === 'settled' || next.resolution === 'mediated') && next.closed_at !== null) {
      if (current.closed_at === null)
        next.resolution_ms = Date.parse(next.closed_at) - Date.parse(next.received_at)
    }
    await saveDispute(tx, current, next)

    tx.audit({
      action: effect.auditAction,
      disputeId: id,
      enterpriseId: next.assignee_id,
      jurisdictionId: next.jurisdiction_id,
      objectId: effect.created?.id ?? id,
      state: effect.created ? effect.created.view : auditState(next),
      details: evidence.length > 0 ? { ...effect.details, evidence } : effect.details,
      evidence,
    })
    for (const event of effect.events(next, tx.now)) tx.emit(event)
    return effect.created
      ? { status: 201, body: effect.created.view }
      : { status: 200, body: presentDispute(next, principal, tx.now) }
  })
  if (request.action !== 'erase-personal-data') return outcome
  // Once committed, the erased data must not survive in the database's files either.
  return outcome.then(async (done) => {
    await database.forgetOverwrittenData()
    return done
  })
}

/** Times the enterprise reports (contacts, settlements, refunds) lie in its own handling, not ahead. */
function assertReportedTimes(request: ActionRequest, current: DisputeTable, now: Date): void {
  const verdict = checkReportedTimes(request.body, current, now)
  if (verdict.ok) return
  const path = `body/${verdict.field}`
  if (verdict.problem === 'in_future') {
    throw problem(
      'time_in_future',
      {
        en: `${verdict.field} is in the future: at most 5 minutes ahead of the gateway's clock (${verdict.latestAllowed}) is allowed.`,
        zh: `${verdict.field} 晚于当前时间：最多只能比网关时钟快 5 分钟（即不晚于 ${verdict.latestAllowed}）。`,
      },
      {
        errors: [{ path, message: { en: 'in the future', zh: '晚于当前时间' } }],
        extensions: { field: verdict.field, latest_allowed: verdict.latestAllowed },
      },
    )
  }
  throw problem(
    'time_before_assignment',
    {
      en: `${verdict.field} is before the dispute was assigned to this enterprise (${verdict.assignedAt}).`,
      zh: `${verdict.field} 早于纠纷分派给本企业的时间（${verdict.assignedAt}）。`,
    },
    {
      errors: [{ path, message: { en: 'before the assignment', zh: '早于分派时间' } }],
      extensions: { field: verdict.field, assigned_at: verdict.assignedAt },
    },
  )
}

/** The files an action's body cites, for the actions that take evidence. */
function evidenceIn(request: ActionRequest): readonly string[] | undefined {
  return 'evidence' in request.body ? request.body.evidence : undefined
}

/** The action's own rule, given its body (one generic call, so the action and its body stay paired). */
function effectOf<A extends DisputeAction>(
  context: Omit<EffectInput<A>, 'body'>,
  request: { action: A; body: ActionBodies[A] },
): Promise<Effect> | Effect {
  return effects[request.action]({ ...context, body: request.body })
}
