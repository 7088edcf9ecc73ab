import type { Config } from '../../config.js'
import { calendarFromFile, defaultCalendar, type WorkingDayCalendar } from '../../domain/working-days.js'

/** How deadlines are computed and enforced in this deployment. */
export interface DeadlinePolicy {
  calendar: WorkingDayCalendar
  /** Working days an enterprise has from assignment (the 12315 ODR rule: 10). */
  responseWorkingDays: number
  /** `dispute.deadline_approaching` fires this many working days before `respond_by` (and its mediation twin before `mediation_due_at`). */
  warningWorkingDays: number
  /** Working days administrative mediation has from the escalation (the 12315 rule: 45). */
  mediationWorkingDays: number
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

/** When administrative mediation of a dispute escalated at `escalatedAt` must conclude. */
export function mediationDueAt(policy: DeadlinePolicy, escalatedAt: Date): string {
  return policy.calendar.respondBy(escalatedAt, policy.mediationWorkingDays).toISOString()
}

export function deadlinePolicyFrom(config: Config): DeadlinePolicy {
  return {
    calendar: config.calendarFile
      ? calendarFromFile(config.calendarFile, { mode: config.calendarMode })
      : defaultCalendar(),
    responseWorkingDays: config.responseWorkingDays,
    warningWorkingDays: config.deadlineWarningWorkingDays,
    mediationWorkingDays: config.mediationWorkingDays,
    autoEscalateOverdue: config.autoEscalateOverdue,
  }
}
