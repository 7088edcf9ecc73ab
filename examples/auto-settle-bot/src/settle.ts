import { yuan } from '@hejie/example-enterprise-desk'
import {
  type ConfirmationRequest,
  ConflictError,
  type Dispute,
  type DisputeRecordRefundParams,
  type Hejie,
  type Money,
  NotFoundError,
  PreconditionFailedError,
} from '@hejie/sdk'
import type { Taken } from './state.js'

/** The writes the bot makes on a dispute, in order. */
export type Step = 'accept' | 'contact' | 'settlement' | 'refund' | 'confirmation' | 'outcome'

/** What the bot needs to act on a dispute it took. */
export interface Hands {
  hejie: Hejie
  refundMethod: DisputeRecordRefundParams['method']
  /**
   * Pays the refund: your payment provider's refund call, keyed by `reference` (WeChat Pay's
   * `out_refund_no`, Alipay's `out_request_no`), so asking twice pays once.
   */
  pay(reference: string, amount: Money): Promise<void> | void
  /** Gives the consumer the confirmation link and code: your SMS gateway, or an agent's call. */
  sendConfirmation(dispute: Dispute, request: ConfirmationRequest): Promise<void> | void
  /** Called before every write with the dispute as the bot believes it is (tests put a person here). */
  beforeWrite?(step: Step, dispute: Dispute): Promise<void> | void
  /** Saves the bot's state after each step, so a crash repeats at most the step it was in. */
  saved(): Promise<void>
}

/**
 * The bot's keys: one per dispute and step, so a repeat of a write whose answer was lost
 * (a timeout, a crash before the state was saved) is answered from the gateway's record of
 * the first, with the same body, and never done twice.
 */
export const idempotencyKey = (step: Step, disputeId: string) => `auto-settle-${step}-${disputeId}`

/**
 * The refund's reference, from the dispute id: Hejie keeps references unique per enterprise
 * and checks them before the amount, and the payment provider pays a reference once, so
 * no retry, with or without the bot's state, can pay a dispute twice.
 */
export const refundReference = (disputeId: string) => `AUTO-RF-${disputeId.slice(4)}`

/**
 * Carries a taken dispute from `in_progress` to a confirmation request: contact, settlement,
 * refund, link. Every write names the version the bot expects (`If-Match`); each one adds 1,
 * so if someone else wrote in between, the next write is a 412 and nothing is overwritten.
 * Returns the dispute as the bot left it.
 */
export async function settleAndRefund(hands: Hands, start: Dispute, taken: Taken): Promise<Dispute> {
  const { hejie } = hands
  let dispute = start
  const amount: Money = { amount: taken.amountFen, currency: 'CNY' }
  // Where the API takes no If-Match, or money moves first: is it still the version we hold?
  const check = async (step: Step) => {
    await hands.beforeWrite?.(step, dispute)
    const now = await hejie.disputes.retrieve(dispute.id)
    return { now, unchanged: now.version === dispute.version }
  }
  const write = async <T>(
    step: Step,
    send: (options: { ifMatch: number; idempotencyKey: string }) => Promise<T>,
    checked = false,
  ) => {
    if (!checked) await hands.beforeWrite?.(step, dispute)
    const result = await send({ ifMatch: dispute.version, idempotencyKey: idempotencyKey(step, dispute.id) })
    dispute = { ...dispute, version: dispute.version + 1 }
    return result
  }

  if (dispute.status === 'in_progress') {
    if (!taken.contacted) {
      await write('contact', (options) =>
        hejie.disputes.recordContact(
          dispute.id,
          {
            channel: 'sms',
            contacted_at: taken.decidedAt,
            reached: true,
            summary: `自动和解：已短信告知消费者，按其诉求全额退款 ${yuan(amount)}，原路退回。`,
          },
          options,
        ),
      )
      taken.contacted = true
      await hands.saved()
    }
    const settlement = await write('settlement', (options) =>
      hejie.disputes.recordSettlement(
        dispute.id,
        {
          remedy: 'refund',
          amount,
          terms: `商家同意按消费者诉求全额退款 ${yuan(amount)}，原路退回，退款后本投诉办结。`,
          agreed_at: taken.decidedAt,
          consumer_consent: { method: 'sms', reference: `AUTO-SMS-${dispute.id.slice(4)}` },
        },
        options,
      ),
    )
    dispute = { ...dispute, status: 'settled', settlement }
  }

  if (dispute.status === 'settled' && dispute.refunded.amount < amount.amount) {
    const reference = refundReference(dispute.id)
    const { now, unchanged } = await check('refund')
    if (!unchanged) return now
    await hands.pay(reference, amount)
    try {
      await write(
        'refund',
        (options) =>
          hejie.disputes.recordRefund(
            dispute.id,
            { amount, method: hands.refundMethod, reference, refunded_at: taken.decidedAt },
            options,
          ),
        true,
      )
    } catch (error) {
      if (error instanceof PreconditionFailedError) throw new PaidButNotRecorded(reference, amount)
      // Recorded already under another key (the state file was lost): the reference says so.
      if (!(error instanceof ConflictError)) throw error
      dispute = await hejie.disputes.retrieve(dispute.id)
      if (dispute.refunded.amount < amount.amount) throw error
    }
  }

  if (dispute.status === 'settled' && !taken.confirmationRequested) {
    // The only step whose route takes no If-Match: the version is checked just before instead.
    const { now, unchanged } = await check('confirmation')
    if (!unchanged) return now
    const request = await hejie.disputes.requestConfirmation(dispute.id, {
      idempotencyKey: idempotencyKey('confirmation', dispute.id),
    })
    await hands.sendConfirmation(now, request)
    taken.confirmationRequested = true
    await hands.saved()
    dispute = { ...now, version: now.version + 1 }
  }
  return dispute
}

/** A person changed the dispute between the payment and its record: the money went out, Hejie does not know yet. */
export class PaidButNotRecorded extends Error {
  override name = 'PaidButNotRecorded'
  constructor(
    readonly reference: string,
    readonly amount: Money,
  ) {
    super(
      `paid ${yuan(amount)} under reference ${reference}, but the dispute changed before the refund was recorded`,
    )
  }
}

/** Reports a confirmed settlement carried out: the dispute closes as settled. */
export async function reportFulfilled(hands: Hands, dispute: Dispute, amount: Money): Promise<Dispute> {
  await hands.beforeWrite?.('outcome', dispute)
  return hands.hejie.disputes.reportOutcome(
    dispute.id,
    { result: 'fulfilled', summary: `已全额退款 ${yuan(amount)}，消费者已确认和解。` },
    { ifMatch: dispute.version, idempotencyKey: idempotencyKey('outcome', dispute.id) },
  )
}

/** The dispute as it is now; `undefined` once it is no longer this enterprise's. */
export async function current(hejie: Hejie, id: string): Promise<Dispute | undefined> {
  try {
    return await hejie.disputes.retrieve(id)
  } catch (error) {
    if (error instanceof NotFoundError) return undefined
    throw error
  }
}

/**
 * Whether anyone of the enterprise other than the bot wrote on the dispute since the bot
 * accepted it: a colleague at the desk. The consumer's answer and the deadline scanner do not count.
 */
export async function touchedByPeople(
  hejie: Hejie,
  id: string,
  botClientId: string,
): Promise<string | undefined> {
  let ours = false
  let other: string | undefined
  for await (const entry of hejie.disputes.timeline(id, { limit: 100 })) {
    if (entry.action === 'dispute.accepted') ours = entry.actor.client_id === botClientId
    else if (ours && entry.actor.role === 'enterprise' && entry.actor.client_id !== botClientId) {
      other = `${entry.action} by ${entry.actor.client_id}`
    }
  }
  return ours ? other : 'accepted by someone else'
}
