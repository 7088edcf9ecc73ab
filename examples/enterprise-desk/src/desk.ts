import { readFile, rename, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  APIConnectionError,
  AuthenticationError,
  ConflictError,
  type Dispute,
  type DisputeDeclineParams,
  type DisputeRecordContactParams,
  type DisputeRecordRefundParams,
  type DisputeRecordSettlementParams,
  type Hejie,
  type Me,
  type Money,
  NotFoundError,
  PreconditionFailedError,
} from '@hejie/sdk'

/** What your people (or your rules) decided about a dispute the regulator routed to you. */
export type Decision =
  | { decline: DisputeDeclineParams }
  | {
      settle: {
        /** The call in which the consumer agreed: Hejie wants every contact on record. */
        contact: DisputeRecordContactParams
        settlement: DisputeRecordSettlementParams
        /** For the outcome report, once any refund is paid. */
        summary: string
      }
    }

/** A refund as your payment system made it; the desk adds the amount it asked for. */
export type PaidRefund = Omit<DisputeRecordRefundParams, 'amount'>

/** Your company's side of the desk. `src/handlers.ts` has a working example to replace. */
export interface Handlers {
  /**
   * Settle or decline. Called before the dispute is accepted, because declining is only
   * possible then; the desk accepts only if the dispute is still the version you decided on.
   * A dispute a crash left accepted but unsettled is decided again on the next pass.
   */
  decide(dispute: Dispute): Decision | Promise<Decision>
  /**
   * Pays `amount` back to the consumer and returns your refund transaction. Must be
   * idempotent per dispute (WeChat Pay's `out_refund_no`, Alipay's `out_request_no`): a pass
   * that crashed after paying asks again, and must get the same transaction, not a second one.
   * Its `reference` is recorded in Hejie, where it is unique per enterprise.
   */
  payRefund(dispute: Dispute, amount: Money): PaidRefund | Promise<PaidRefund>
}

/** Where the desk keeps its place in the event feed between runs. */
export interface CursorStore {
  load(): Promise<string | undefined>
  save(cursor: string): Promise<void>
}

/** A cursor in a small file: written to a temporary file and renamed, so a crash never leaves half of one. */
export function fileCursorStore(path: string): CursorStore {
  return {
    async load() {
      try {
        return (await readFile(path, 'utf8')).trim() || undefined
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
    },
    async save(cursor) {
      await writeFile(`${path}.tmp`, `${cursor}\n`)
      await rename(`${path}.tmp`, path)
    },
  }
}

export interface DeskOptions {
  cursorStore: CursorStore
  /** One line per dispute the desk did something with; default the console. */
  log?: (line: string) => void
}

/** What the desk did with one dispute. */
export interface Handled {
  dispute: string
  result: 'settled' | 'declined' | 'skipped' | 'failed'
  line: string
}

export interface PassReport {
  /** Disputes assigned since the last run, as the event feed tells it. */
  newAssignments: string[]
  handled: Handled[]
}

/** Why the desk cannot start, in words for whoever runs it. */
export class DeskSetupError extends Error {
  override name = 'DeskSetupError'
}

/** Who the credentials belong to; refuses, with the reason, anything but a working enterprise client. */
export async function whoAmI(hejie: Hejie, baseUrl: string): Promise<Me> {
  let me: Me
  try {
    me = await hejie.me()
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw new DeskSetupError(
        `The gateway at ${baseUrl} refused these credentials (${error.code ?? error.status}): check ` +
          'HEJIE_CLIENT_ID and HEJIE_CLIENT_SECRET; a revoked client needs a new one from the regulator.',
      )
    }
    if (error instanceof APIConnectionError) {
      throw new DeskSetupError(`No answer from ${baseUrl} (${error.message}): is HEJIE_BASE_URL right?`)
    }
    throw error
  }
  if (me.role !== 'enterprise') {
    throw new DeskSetupError(`${me.client_id} is a ${me.role} client; the desk needs an enterprise's.`)
  }
  return me
}

/**
 * One pass over the enterprise's queue: everything assigned to it is decided and settled or
 * declined, and what an earlier pass left half done (accepted, or settled without its refund)
 * is finished. Safe to run again at any time, and from several processes: each dispute is
 * taken with `If-Match` on the version that was decided on.
 */
export async function workTheQueue(
  hejie: Hejie,
  handlers: Handlers,
  options: DeskOptions,
): Promise<PassReport> {
  const { cursorStore, log = console.log } = options
  const me = await hejie.me()

  // The feed says what arrived since the last run. The list below is the truth about what
  // is open, so the cursor is saved only after it is worked: a crash reads these again.
  const newAssignments: string[] = []
  const started = await cursorStore.load()
  let cursor = started
  for await (const event of hejie.events.list({ after: started, types: ['dispute.assigned'], limit: 100 })) {
    newAssignments.push(event.data.object.id)
    cursor = event.id
  }

  const handled: Handled[] = []
  for await (const dispute of hejie.disputes.list({ status: ['assigned', 'in_progress', 'settled'] })) {
    const result = await work(hejie, handlers, dispute, me.client_id)
    if (!result) continue
    log(result.line)
    handled.push(result)
  }
  if (cursor && cursor !== started) await cursorStore.save(cursor)
  return { newAssignments, handled }
}

/**
 * A pass, then the event feed: each new assignment is worked as soon as a poll sees it, and
 * the cursor moves past it once it is. Returns when `signal` aborts.
 */
export async function followTheFeed(
  hejie: Hejie,
  handlers: Handlers,
  options: DeskOptions & { signal: AbortSignal; intervalMs?: number },
): Promise<void> {
  const { cursorStore, log = console.log, signal, intervalMs = 5_000 } = options
  const { handled } = await workTheQueue(hejie, handlers, options)
  if (handled.length === 0) log('Nothing waiting; following the event feed.')
  const me = await hejie.me()
  while (!signal.aborted) {
    try {
      const after = await cursorStore.load()
      for await (const event of hejie.events.list({ after, types: ['dispute.assigned'] }, { signal })) {
        // The event is a snapshot from when it was assigned: act on the dispute as it is now.
        const dispute = await current(hejie, event.data.object.id)
        const result = dispute && (await work(hejie, handlers, dispute, me.client_id))
        if (result) log(result.line)
        await cursorStore.save(event.id)
        if (signal.aborted) return
      }
    } catch (error) {
      if (signal.aborted) return
      // A gateway restart or a network blip must not end the follower: the cursor holds its place.
      log(`Reading the event feed failed, trying again: ${error instanceof Error ? error.message : error}`)
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined)
  }
}

/** Settles, declines or finishes one dispute; `undefined` when there is nothing for the desk to do. */
async function work(
  hejie: Hejie,
  handlers: Handlers,
  dispute: Dispute,
  clientId: string,
): Promise<Handled | undefined> {
  const say = (result: Handled['result'], what: string): Handled => ({
    dispute: dispute.id,
    result,
    line: `${dispute.id} (ticket ${dispute.external_ref}): ${what}`,
  })
  try {
    if (dispute.status === 'assigned') {
      const decision = await handlers.decide(dispute)
      const taken = await take(hejie, dispute, decision)
      if ('movedTo' in taken) {
        return say('skipped', `someone else moved it since it was read (now ${taken.movedTo}): skipped`)
      }
      if ('decline' in decision) {
        return say('declined', `declined (${decision.decline.reason}), back to the regulator`)
      }
      return say('settled', await settle(hejie, handlers, taken.dispute, decision.settle))
    }
    if (dispute.status !== 'in_progress' && dispute.status !== 'settled') return undefined
    // Open disputes another client took (a colleague in the CRM, another desk) are theirs.
    if (!(await acceptedBy(hejie, dispute.id, clientId))) return undefined
    if (dispute.status === 'settled') {
      return say('settled', `finished: ${await refundAndClose(hejie, handlers, dispute, 'Settled earlier.')}`)
    }
    const decision = await handlers.decide(dispute)
    if (!('settle' in decision)) {
      return say('skipped', 'accepted earlier but now judged one to decline, which only a person can undo')
    }
    return say('settled', `finished: ${await settle(hejie, handlers, dispute, decision.settle)}`)
  } catch (error) {
    // One dispute's failure must not stop the queue; the next pass picks it up where it stopped.
    return say('failed', `failed, left for the next pass: ${error instanceof Error ? error.message : error}`)
  }
}

/**
 * Accepts or declines on the version the decision was made on, or says where the dispute
 * went when someone else moved it first.
 */
async function take(
  hejie: Hejie,
  dispute: Dispute,
  decision: Decision,
): Promise<{ dispute: Dispute } | { movedTo: string }> {
  try {
    return {
      dispute:
        'decline' in decision
          ? await hejie.disputes.decline(dispute.id, decision.decline, { ifMatch: dispute.version })
          : await hejie.disputes.accept(dispute.id, {}, { ifMatch: dispute.version }),
    }
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error
    // The decision was about a version that no longer exists: whoever moved it has it now.
    const now = await current(hejie, dispute.id)
    return { movedTo: now ? `${now.status}, version ${now.version}` : 'with another enterprise' }
  }
}

async function settle(
  hejie: Hejie,
  handlers: Handlers,
  dispute: Dispute,
  plan: Extract<Decision, { settle: unknown }>['settle'],
): Promise<string> {
  await hejie.disputes.recordContact(dispute.id, plan.contact)
  const settlement = await hejie.disputes.recordSettlement(dispute.id, plan.settlement)
  return refundAndClose(hejie, handlers, { ...dispute, status: 'settled', settlement }, plan.summary)
}

/** Pays what the settlement still owes, records it, and reports the dispute fulfilled. */
async function refundAndClose(
  hejie: Hejie,
  handlers: Handlers,
  dispute: Dispute,
  summary: string,
): Promise<string> {
  const agreed = dispute.settlement?.amount
  // `refunded` is what Hejie has on record; only the rest is owed. A pass that crashed after
  // the refund finds nothing owed here and does not pay again.
  const owed = agreed ? agreed.amount - dispute.refunded.amount : 0
  let paid = ''
  if (agreed && owed > 0) {
    const amount = { amount: owed, currency: agreed.currency }
    const refund = await handlers.payRefund(dispute, amount)
    try {
      await hejie.disputes.recordRefund(dispute.id, { ...refund, amount })
    } catch (error) {
      // Another pass got there first: the reference is unique per enterprise, and Hejie
      // checks it before the amount, so the retry is a 409 naming the refund on record.
      // Carry on only if Hejie now has the whole amount.
      if (!(error instanceof ConflictError)) throw error
      const now = await hejie.disputes.retrieve(dispute.id)
      if (now.refunded.amount < agreed.amount) throw error
    }
    paid = `refunded ${yuan(amount)} (${refund.reference}), `
  }
  await hejie.disputes.reportOutcome(dispute.id, { result: 'fulfilled', summary })
  return `settled, ${paid}closed`
}

/** Whether the latest acceptance of the dispute was by this client. */
async function acceptedBy(hejie: Hejie, id: string, clientId: string): Promise<boolean> {
  let by: string | undefined
  for await (const entry of hejie.disputes.timeline(id, { limit: 100 })) {
    if (entry.action === 'dispute.accepted') by = entry.actor.client_id
  }
  return by === clientId
}

/** The dispute as it is now; `undefined` once it is no longer this enterprise's (reassigned away). */
async function current(hejie: Hejie, id: string): Promise<Dispute | undefined> {
  try {
    return await hejie.disputes.retrieve(id)
  } catch (error) {
    if (error instanceof NotFoundError) return undefined
    throw error
  }
}

export const yuan = (money: Money) => `¥${(money.amount / 100).toFixed(2)}`
