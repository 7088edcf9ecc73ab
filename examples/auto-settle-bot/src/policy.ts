import { yuan } from '@hejie/example-enterprise-desk'
import type { Dispute, DisputeRecordRefundParams, Money } from '@hejie/sdk'

type ProblemType = Dispute['problem_type']

/**
 * What the bot may settle on its own. Everything it may not is left `assigned` for the
 * desk's people, with the reason in the bot's report. Amounts are in fen (分), never floats.
 */
export interface Policy {
  /** Problem types the bot settles; any other is for people. */
  problemTypes: readonly ProblemType[]
  /** Problem types that always go to people, even if listed above (health, personal rights). */
  alwaysPeople: readonly ProblemType[]
  /** The largest claim the bot refunds by itself, in fen: 20000 is 200 元. */
  claimLimitFen: number
  /** What the bot may refund in one day (Asia/Shanghai), in fen, all disputes together. */
  dailyBudgetFen: number
  /** How the refunds go back to the consumer. */
  refundMethod: DisputeRecordRefundParams['method']
}

export const defaultPolicy: Policy = {
  problemTypes: ['after_sales', 'contract'],
  alwaysPeople: ['food_safety', 'personal_rights', 'safety'],
  claimLimitFen: 20_000,
  dailyBudgetFen: 100_000,
  refundMethod: 'original_payment',
}

/** Why a dispute is for people rather than the bot. */
export type HandOffReason =
  | 'urged'
  | 'sensitive_problem_type'
  | 'problem_type'
  | 'no_refund_demand'
  | 'no_claim_amount'
  | 'over_limit'
  | 'already_refunded'
  | 'daily_budget'
  | 'moved_by_person'
  | 'consumer_rejected'

export type Verdict = { take: true; amount: Money } | { take: false; reason: HandOffReason; detail: string }

/**
 * The bot's decision about a dispute as it was read, given what is left of today's budget.
 * A pure function: the same dispute and budget always get the same verdict.
 */
export function judge(dispute: Dispute, policy: Policy, budgetLeftFen: number): Verdict {
  const people = (reason: HandOffReason, detail: string): Verdict => ({ take: false, reason, detail })
  const claim = dispute.claim.amount
  if (dispute.urge_count > 0) {
    return people('urged', `urged by the regulator ${dispute.urge_count} time(s): a person should call`)
  }
  if (policy.alwaysPeople.includes(dispute.problem_type)) {
    return people('sensitive_problem_type', `${dispute.problem_type} is always handled by people`)
  }
  if (!policy.problemTypes.includes(dispute.problem_type)) {
    return people('problem_type', `${dispute.problem_type} is not one the bot settles`)
  }
  if (!dispute.claim.demands.includes('refund')) {
    return people(
      'no_refund_demand',
      `the consumer asks for ${dispute.claim.demands.join(', ')}, not a refund`,
    )
  }
  if (!claim || claim.amount <= 0) return people('no_claim_amount', 'the claim names no amount')
  if (claim.amount > policy.claimLimitFen) {
    return people(
      'over_limit',
      `claim ${fen(claim.amount)} is over the limit of ${fen(policy.claimLimitFen)}`,
    )
  }
  if (dispute.refunded.amount > 0) {
    return people('already_refunded', `${fen(dispute.refunded.amount)} was already refunded`)
  }
  if (claim.amount > budgetLeftFen) {
    return people(
      'daily_budget',
      `claim ${fen(claim.amount)}, only ${fen(budgetLeftFen)} left of today's budget`,
    )
  }
  return { take: true, amount: { amount: claim.amount, currency: claim.currency } }
}

/** 6800 → "¥68.00". */
const fen = (amount: number) => yuan({ amount, currency: 'CNY' })

/** The calendar day in Asia/Shanghai, the day the budget counts: "2026-12-07". */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}
