/** What the consumer answers about a settlement (the consumer's own 回访). */

export const consumerDecisions = ['confirmed', 'rejected'] as const
export type ConsumerDecision = (typeof consumerDecisions)[number]

/** The three grades of the 12345/12315 callbacks: 满意 / 基本满意 / 不满意. */
export const consumerRatings = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const
export type ConsumerRating = (typeof consumerRatings)[number]

/** The longest comment the page accepts, in characters. */
export const MAX_COMMENT_LENGTH = 500

/** `settlement.consumer_confirmation`: the answer as the settlement carries it. */
export interface ConsumerConfirmation {
  decision: ConsumerDecision
  rating: ConsumerRating
  comment?: string
  at: string
}
