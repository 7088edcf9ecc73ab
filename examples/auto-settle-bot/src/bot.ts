import { yuan } from '@hejie/example-enterprise-desk'
import { type Dispute, type Hejie, PreconditionFailedError } from '@hejie/sdk'
import { defaultPolicy, type HandOffReason, judge, type Policy, shanghaiDay } from './policy.js'
import {
  current,
  type Hands,
  idempotencyKey,
  PaidButNotRecorded,
  reportFulfilled,
  settleAndRefund,
  touchedByPeople,
} from './settle.js'
import type { BotState, StateStore, Taken } from './state.js'

export { defaultPolicy, type HandOffReason, judge, type Policy } from './policy.js'
export { idempotencyKey, refundReference, type Step } from './settle.js'
export { type BotState, emptyState, fileStateStore, type StateStore } from './state.js'

export interface PassOptions extends Partial<Omit<Hands, 'hejie' | 'saved' | 'refundMethod'>> {
  store: StateStore
  policy?: Policy
  /** The bot's clock: the budget's day and the times it reports. */
  now?: () => Date
  /** One line per dispute the pass did something with; default the console. */
  log?: (line: string) => void
}

/** What a pass did with one dispute. */
export interface ReportLine {
  dispute: string
  ticket: string
  result: 'awaiting_consumer' | 'fulfilled' | 'people' | 'failed'
  /** Why it is for people (`result: 'people'`). */
  reason?: HandOffReason
  detail: string
}

/**
 * One pass: first the disputes the bot took earlier (a consumer's answer to read, or a pass
 * that stopped half way), then the disputes assigned since the last pass, from the event
 * feed. Each is taken and refunded under the policy or left to people with the reason.
 * Safe to run again at any time: the state, the idempotency keys and the refund reference
 * each make a repeat do nothing twice.
 */
export async function runPass(hejie: Hejie, options: PassOptions): Promise<ReportLine[]> {
  const { store, policy = defaultPolicy, now = () => new Date(), log = console.log } = options
  const state = await store.load()
  const today = shanghaiDay(now())
  if (state.budget.day !== today) state.budget = { day: today, spentFen: 0 }
  const me = await hejie.me()
  const hands: Hands = {
    hejie,
    refundMethod: policy.refundMethod,
    pay: options.pay ?? (() => undefined),
    sendConfirmation:
      options.sendConfirmation ??
      ((dispute, request) => log(`${dispute.id}: confirmation link for the consumer ${request.url}`)),
    beforeWrite: options.beforeWrite,
    saved: () => store.save(state),
  }
  const context: Context = { hejie, hands, policy, state, now, botClientId: me.client_id }

  const report: ReportLine[] = []
  const note = (line: ReportLine | undefined, quietWhileWaiting = false) => {
    if (!line) return
    report.push(line)
    // A dispute still waiting for its consumer is in the report, but not logged on every pass.
    if (quietWhileWaiting && line.result === 'awaiting_consumer') return
    log(
      `${line.dispute} (ticket ${line.ticket}): ${line.result}${line.reason ? ` [${line.reason}]` : ''}: ${line.detail}`,
    )
  }
  const taken = Object.entries(state.disputes).filter(([, entry]) => entry.status === 'taken')
  for (const [id] of taken) note(await guarded(context, id, () => carryOn(context, id)), true)

  for await (const event of hejie.events.list({
    after: state.cursor,
    types: ['dispute.assigned'],
    limit: 100,
  })) {
    const id = event.data.object.id
    if (!state.disputes[id]) note(await guarded(context, id, () => consider(context, id)))
    state.cursor = event.id
    await store.save(state)
  }
  await store.save(state)
  return report
}

interface Context {
  hejie: Hejie
  hands: Hands
  policy: Policy
  state: BotState
  now: () => Date
  botClientId: string
}

/** A new assignment: judged on the version read, taken with If-Match on that version, or left to people. */
async function consider(context: Context, id: string): Promise<ReportLine | undefined> {
  const { hejie, hands, policy, state } = context
  const dispute = await current(hejie, id)
  if (!dispute) return undefined
  // Taken by someone before the bot saw it (or by the bot itself, if its state file was lost): not the bot's.
  if (dispute.status !== 'assigned') return undefined
  const verdict = judge(dispute, policy, policy.dailyBudgetFen - state.budget.spentFen)
  if (!verdict.take) return forPeople(context, dispute, verdict.reason, verdict.detail)

  // The budget is spent when the bot decides, before it pays: a crash can only under-spend.
  const entry: Taken = {
    status: 'taken',
    amountFen: verdict.amount.amount,
    decidedAt: context.now().toISOString(),
  }
  state.budget.spentFen += entry.amountFen
  state.disputes[id] = entry
  await hands.saved()
  let accepted: Dispute
  try {
    await hands.beforeWrite?.('accept', dispute)
    accepted = await hejie.disputes.accept(
      id,
      { note: '自动和解：小额退款' },
      { ifMatch: dispute.version, idempotencyKey: idempotencyKey('accept', id) },
    )
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error
    state.budget.spentFen -= entry.amountFen
    const now = await current(hejie, id)
    const where = now ? `now ${now.status}, version ${now.version}` : 'reassigned away'
    return forPeople(
      context,
      dispute,
      'moved_by_person',
      `changed after the bot read version ${dispute.version} (${where}): skipped`,
    )
  }
  return work(context, accepted, entry)
}

/** A dispute the bot took on an earlier pass: finish what is left, or read the consumer's answer. */
async function carryOn(context: Context, id: string): Promise<ReportLine | undefined> {
  const { hejie, state } = context
  const entry = state.disputes[id] as Taken
  const dispute = await current(hejie, id)
  if (!dispute) return undefined
  if (dispute.status === 'assigned') {
    // The pass that took it stopped before accepting: decide again on the dispute as it is now.
    state.budget.spentFen -= entry.amountFen
    delete state.disputes[id]
    return consider(context, id)
  }
  const person = await touchedByPeople(hejie, id, context.botClientId)
  if (person) return forPeople(context, dispute, 'moved_by_person', `${person}: left to people`)
  if (dispute.urge_count > 0)
    return forPeople(context, dispute, 'urged', 'urged by the regulator after the bot took it')
  if (dispute.status !== 'in_progress' && dispute.status !== 'settled') {
    return forPeople(context, dispute, 'moved_by_person', `now ${dispute.status}`)
  }
  return work(context, dispute, entry)
}

/** The bot's steps on a dispute it holds; a 412 on any of them means a person moved it. */
async function work(context: Context, dispute: Dispute, entry: Taken): Promise<ReportLine> {
  try {
    return await afterSettling(context, await settleAndRefund(context.hands, dispute, entry), entry)
  } catch (error) {
    if (error instanceof PaidButNotRecorded) {
      return forPeople(context, dispute, 'moved_by_person', `${error.message}: record the refund by hand`)
    }
    if (!(error instanceof PreconditionFailedError)) throw error
    const now = (await current(context.hejie, dispute.id)) ?? dispute
    return forPeople(
      context,
      now,
      'moved_by_person',
      `changed while the bot worked on it (now ${now.status}, version ${now.version}): skipped`,
    )
  }
}

/** Where a taken dispute stands after the bot's steps: waiting for, or acting on, the consumer's answer. */
async function afterSettling(context: Context, dispute: Dispute, entry: Taken): Promise<ReportLine> {
  const amount = { amount: entry.amountFen, currency: 'CNY' as const }
  const answer = dispute.settlement?.consumer_confirmation
  if (dispute.status !== 'settled' || !entry.confirmationRequested) {
    return forPeople(
      context,
      dispute,
      'moved_by_person',
      `changed while the bot worked on it (now ${dispute.status})`,
    )
  }
  if (!answer) {
    return line(
      dispute,
      'awaiting_consumer',
      `settled and refunded ${yuan(amount)}; waiting for the consumer to confirm`,
    )
  }
  if (answer.decision === 'rejected') {
    return forPeople(
      context,
      dispute,
      'consumer_rejected',
      `the consumer rejected the settlement (${answer.rating})`,
    )
  }
  await reportFulfilled(context.hands, dispute, amount)
  context.state.disputes[dispute.id] = { status: 'fulfilled' }
  return line(dispute, 'fulfilled', `the consumer confirmed (${answer.rating}); reported fulfilled, closed`)
}

function forPeople(context: Context, dispute: Dispute, reason: HandOffReason, detail: string): ReportLine {
  context.state.disputes[dispute.id] = { status: 'people', reason }
  return { ...line(dispute, 'people', detail), reason }
}

function line(dispute: Dispute, result: ReportLine['result'], detail: string): ReportLine {
  return { dispute: dispute.id, ticket: dispute.external_ref, result, detail }
}

/** One dispute's failure does not stop the pass; the next pass starts again from Hejie's records. */
async function guarded(
  context: Context,
  id: string,
  work: () => Promise<ReportLine | undefined>,
): Promise<ReportLine | undefined> {
  try {
    return await work()
  } catch (error) {
    await context.hands.saved()
    const message = error instanceof Error ? error.message : String(error)
    return { dispute: id, ticket: '', result: 'failed', detail: `left for the next pass: ${message}` }
  }
}
