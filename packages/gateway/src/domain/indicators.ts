/**
 * The regulator's indicators (docs/stats.md writes out every formula): pure arithmetic over
 * the counts that the database adds up for one group of disputes.
 */

/** What the database counts for one group of disputes; every field is a whole number. */
export interface IndicatorCounts {
  received: number
  accepted: number
  /** Closed after the enterprise reported its settlement fulfilled (resolution `settled`). */
  settled: number
  /** Now `escalated`, or closed by the regulator after administrative mediation. */
  escalated: number
  /** Now `returned`, or closed by the regulator after the enterprise declined it. */
  returned: number
  withdrawn: number
  overdue: number
  /** Concluded (settled, escalated or returned) without ever being overdue. */
  concludedOnTime: number
  /** Accepted, with a contact recorded by `respond_by`. */
  responded: number
  feedback: number
  /** Feedback `satisfied` or `basically_satisfied`. */
  satisfied: number
  /** Feedback with `resolved: true`. */
  resolved: number
  /** Milliseconds from assignment to closing, summed over the `settled` disputes. */
  settledHandlingMs: number
  /** Fen refunded to consumers. */
  refunded: number
  /** Urges (督办) of the assignees now holding these disputes. */
  urged: number
  /** Closed by the regulator as `mediated`: the parties agreed in administrative mediation. */
  mediated: number
  /** Milliseconds from receipt to closing, summed over the `settled` disputes. */
  settledResolutionMs: number
  /** Milliseconds from receipt to closing, summed over the `mediated` disputes. */
  mediatedResolutionMs: number
  /** Settlements the consumer answered on the confirmation page (the consumer's own 回访). */
  consumerAnswered: number
  /** Of those, confirmed. */
  consumerConfirmed: number
  /** Of those, rated `satisfied` or `basically_satisfied`. */
  consumerSatisfied: number
}

export interface Indicators {
  received: number
  accepted: number
  settled: number
  escalated: number
  returned: number
  withdrawn: number
  overdue: number
  settlement_rate: number | null
  on_time_rate: number | null
  response_rate: number | null
  satisfaction_rate: number | null
  resolution_rate: number | null
  avg_handling_hours: number | null
  avg_days_to_resolution: { direct: number | null; mediated: number | null }
  urged: number
  consumer_confirmed_rate: number | null
  consumer_satisfaction_rate: number | null
  refunded: { amount: number; currency: 'CNY' }
}

/** A share in [0, 1]; null when there is nothing to take a share of. */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole
}

/** The disputes whose handling by the enterprise has ended with a result: 办结 in ODR terms. */
export function concluded(counts: Pick<IndicatorCounts, 'settled' | 'escalated' | 'returned'>): number {
  return counts.settled + counts.escalated + counts.returned
}

/** Mean calendar days, to 0.01 day, of `totalMs` over `count` disputes; null for none. */
function meanDays(totalMs: number, count: number): number | null {
  return count === 0 ? null : Math.round(totalMs / count / 864_000) / 100
}

export function indicators(counts: IndicatorCounts): Indicators {
  const ended = concluded(counts)
  const hours =
    counts.settled === 0 ? null : Math.round(counts.settledHandlingMs / counts.settled / 36_000) / 100
  return {
    received: counts.received,
    accepted: counts.accepted,
    settled: counts.settled,
    escalated: counts.escalated,
    returned: counts.returned,
    withdrawn: counts.withdrawn,
    overdue: counts.overdue,
    settlement_rate: rate(counts.settled, ended),
    on_time_rate: rate(counts.concludedOnTime, ended),
    response_rate: rate(counts.responded, counts.received),
    satisfaction_rate: rate(counts.satisfied, counts.feedback),
    resolution_rate: rate(counts.resolved, counts.feedback),
    avg_handling_hours: hours,
    avg_days_to_resolution: {
      direct: meanDays(counts.settledResolutionMs, counts.settled),
      mediated: meanDays(counts.mediatedResolutionMs, counts.mediated),
    },
    urged: counts.urged,
    consumer_confirmed_rate: rate(counts.consumerConfirmed, counts.consumerAnswered),
    consumer_satisfaction_rate: rate(counts.consumerSatisfied, counts.consumerAnswered),
    refunded: { amount: counts.refunded, currency: 'CNY' },
  }
}
