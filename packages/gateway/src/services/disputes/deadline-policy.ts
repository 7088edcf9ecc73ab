import type { WorkingDayCalendar } from '../../domain/working-days.js'

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
