import type { RiskSignalTable } from '../../storage/schema.js'
import type { RiskSubject } from './detect.js'

/** A signal as the API and the `risk_signal.raised` event show it. */
export function presentRiskSignal(row: RiskSignalTable) {
  const subject: RiskSubject = {}
  if (row.enterprise_id !== null) subject.enterprise_id = row.enterprise_id
  if (row.category !== null) subject.category = row.category
  if (row.problem_type !== null) subject.problem_type = row.problem_type
  return {
    id: row.id,
    object: 'risk_signal' as const,
    kind: row.kind,
    jurisdiction_id: row.jurisdiction_id,
    subject,
    window: { start: row.window_start, end: row.window_end },
    value: Number(row.value),
    baseline: row.baseline === null ? null : Number(row.baseline),
    threshold: Number(row.threshold),
    disputes: JSON.parse(row.disputes) as string[],
    explanation: row.explanation,
    first_raised_at: row.first_raised_at,
    last_seen_at: row.last_seen_at,
  }
}

export type RiskSignalView = ReturnType<typeof presentRiskSignal>
