import type { Dispute, Money } from '@hejie/sdk'
import { type Decision, type Handlers, type PaidRefund, yuan } from './desk.js'

/**
 * The company's side, for the demo: 北京爱看视频科技有限公司 sells annual video memberships
 * (order numbers `VIP-…`). Its policy: refund the unused part the consumer claims, never more
 * than was paid, by the original payment. Replace this file with calls into your own order,
 * CRM and payment systems; the desk does not change.
 */
export function demoHandlers(now: () => Date = () => new Date()): Handlers {
  // Stands in for the payment provider's refunds, keyed by our refund number: asking again
  // for the same dispute returns the refund already made, as a real provider does.
  const refunds = new Map<string, PaidRefund>()

  return {
    decide(dispute: Dispute): Decision {
      const order = dispute.purchase.order_ref
      if (!order) {
        return {
          decline: {
            reason: 'insufficient_information',
            note: 'No order number: we need the VIP-… number on the receipt to find the membership.',
          },
        }
      }
      if (!order.startsWith('VIP-')) {
        return {
          decline: { reason: 'not_responsible', note: `Order ${order} is not one of our memberships.` },
        }
      }
      const amount = unusedPart(dispute)
      const at = now().toISOString()
      return {
        settle: {
          // In real life an agent makes this call; the recording's id is the consent on record.
          contact: {
            channel: 'phone',
            contacted_at: at,
            reached: true,
            summary: `Consumer agrees to a refund of the unused ${yuan(amount)} of membership ${order}.`,
          },
          settlement: {
            remedy: 'partial_refund',
            amount,
            terms: `Refund of the unused ${yuan(amount)} of the annual video membership (order ${order}).`,
            agreed_at: at,
            consumer_consent: { method: 'phone_recording', reference: `REC-${dispute.id.slice(-12)}` },
          },
          summary: `Refunded ${yuan(amount)} to the original payment.`,
        },
      }
    },

    payRefund(dispute: Dispute, _amount: Money): PaidRefund {
      // One refund number per dispute is what makes paying idempotent, and it is the
      // reference Hejie keeps unique per enterprise.
      const refundNumber = `RF-${dispute.id.slice(-12)}`
      const made = refunds.get(refundNumber)
      if (made) return made
      const refund: PaidRefund = {
        method: 'original_payment',
        reference: refundNumber,
        refunded_at: now().toISOString(),
      }
      refunds.set(refundNumber, refund)
      return refund
    },
  }
}

/** What the consumer claims back, capped at what they paid (amounts in fen, never floats). */
function unusedPart(dispute: Dispute): Money {
  const claimed = dispute.claim.amount ?? dispute.purchase.amount ?? { amount: 0, currency: 'CNY' }
  const paid = dispute.purchase.amount?.amount ?? claimed.amount
  return { amount: Math.min(claimed.amount, paid), currency: claimed.currency }
}
