/** What the consumer answers about a settlement (the consumer's own 回访). */

export const consumerDecisions = ['confirmed', 'rejected'] as const
export type ConsumerDecision = (typeof consumerDecisions)[number]

/** The three grades of the 12345/12315 callbacks: 满意 / 基本满意 / 不满意. */
export const consumerRatings = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const
export type ConsumerRating = (typeof consumerRatings)[number]

/** The longest comment the page accepts, in characters. */
export const MAX_COMMENT_LENGTH = 500

/**
 * `settlement.consumer_confirmation`: the answer as the settlement carries it. `comment` is
 * absent when the consumer wrote none, and null once erasure took it (it is the consumer's
 * own words: personal data, like their name and phone).
 */
export interface ConsumerConfirmation {
  decision: ConsumerDecision
  rating: ConsumerRating
  comment?: string | null
  at: string
}

/** A settlement, or its view, as far as it may carry the consumer's answer. */
interface Answered {
  consumer_confirmation?: ConsumerConfirmation | null
}

/**
 * The settlement with its consumer's comment erased, the decision, rating and time kept; or
 * null when it holds no comment to erase (no answer, no comment, or erased already).
 */
export function withCommentErased<T extends Answered>(settlement: T): T | null {
  const answer = settlement.consumer_confirmation
  if (typeof answer?.comment !== 'string') return null
  return { ...settlement, consumer_confirmation: { ...answer, comment: null } }
}

/**
 * The settlement as the audit log commits to its state: without the consumer's comment,
 * which the entry commits to apart, with a salt (see `decide`). The rest of the answer stays.
 */
export function withoutComment<T extends Answered>(settlement: T): T {
  const answer = settlement.consumer_confirmation
  if (!answer || !('comment' in answer)) return settlement
  const { comment: _comment, ...rest } = answer
  return { ...settlement, consumer_confirmation: rest }
}
