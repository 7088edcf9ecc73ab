import type { Config } from '../../config.js'
import { calendarFromFile, defaultCalendar, type WorkingDayCalendar } from '../../domain/working-days.js'

/** How deadlines are computed and enforced in this deployment. */
export interface DeadlinePolicy {
  calendar: WorkingDayCalendar
  /** Working days an enterprise has from assignment (the 12315 ODR rule: 10). */
  responseWorkingDays: number
  /** `dispute.deadline_approaching` fires this many working days before `respond_by`. */
  warningWorkingDays: number
  /** Escalate overdue disputes to administrative mediation automatically. */
  autoEscalateOverdue: boolean
}

export function respondBy(policy: DeadlinePolicy, assignedAt: Date): string {
  return policy.calendar.respondBy(assignedAt, policy.responseWorkingDays).toISOString()
}

/**
 * A dispute's deadline columns for an assignment at `assignedAt`: `respond_by`, and whether
 * it is provisional (counted through a year whose days off are derived, not published).
 * Stored once, so a schedule published later changes new deadlines, not these.
 */
export function deadlineColumns(
  policy: DeadlinePolicy,
  assignedAt: Date,
): { respond_by: string; respond_by_provisional: number } {
  const { respondBy, provisional } = policy.calendar.deadline(assignedAt, policy.responseWorkingDays)
  return { respond_by: respondBy.toISOString(), respond_by_provisional: provisional ? 1 : 0 }
}

export function deadlinePolicyFrom(config: Config): DeadlinePolicy {
  return {
    calendar: config.calendarFile
      ? calendarFromFile(config.calendarFile, { mode: config.calendarMode })
      : defaultCalendar(),
    responseWorkingDays: config.responseWorkingDays,
    warningWorkingDays: config.deadlineWarningWorkingDays,
    autoEscalateOverdue: config.autoEscalateOverdue,
  }
}
