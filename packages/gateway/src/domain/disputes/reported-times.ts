/**
 * Times an enterprise reports about its handling of a dispute: when it contacted the
 * consumer, when the settlement was agreed, when a refund was paid. They are facts of the
 * current assignee's handling, so each lies between the dispute's assignment to it and now;
 * a little ahead of now is allowed, for clocks that disagree.
 */
export const reportedTimeFields = ['contacted_at', 'agreed_at', 'refunded_at'] as const
export type ReportedTimeField = (typeof reportedTimeFields)[number]

/** How far ahead of the gateway's clock a reported time may be: the clocks of two systems. */
export const CLOCK_SKEW_MS = 5 * 60_000

export type ReportedTimeVerdict =
  | { ok: true }
  | { ok: false; field: ReportedTimeField; problem: 'in_future'; latestAllowed: string }
  | { ok: false; field: ReportedTimeField; problem: 'before_assignment'; assignedAt: string }

/** Checks every reported time of an action's body against the assignment and the clock. */
export function checkReportedTimes(
  body: object,
  dispute: { assigned_at: string },
  now: Date,
): ReportedTimeVerdict {
  const latest = now.getTime() + CLOCK_SKEW_MS
  const assignedAt = Date.parse(dispute.assigned_at)
  for (const field of reportedTimeFields) {
    const value = (body as Partial<Record<ReportedTimeField, unknown>>)[field]
    if (typeof value !== 'string') continue
    const at = Date.parse(value)
    if (at > latest) {
      return { ok: false, field, problem: 'in_future', latestAllowed: new Date(latest).toISOString() }
    }
    if (at < assignedAt)
      return { ok: false, field, problem: 'before_assignment', assignedAt: dispute.assigned_at }
  }
  return { ok: true }
}
