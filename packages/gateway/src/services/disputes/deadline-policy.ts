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
