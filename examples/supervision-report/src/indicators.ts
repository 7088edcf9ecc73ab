/**
 * The indicators the report prints, in order, with the bureau's Chinese names and how each is
 * shown. Every value is read from a /v1/stats group as the API answered it.
 */
import type { RiskSignal, StatsGroup } from '@hejie/sdk'
import { NONE, percent, plain, yuan } from './format.js'

export interface Indicator {
  /** The field of the stats group (dotted for nested ones), as printed in the report. */
  key: string
  zh: string
  en: string
  show(group: StatsGroup): string
}

export const INDICATORS: readonly Indicator[] = [
  { key: 'received', zh: '投诉量', en: 'Disputes received', show: (g) => plain(g.received) },
  { key: 'accepted', zh: '企业受理', en: 'Accepted', show: (g) => plain(g.accepted) },
  { key: 'settled', zh: '和解办结', en: 'Settled', show: (g) => plain(g.settled) },
  { key: 'escalated', zh: '转行政调解', en: 'Escalated to mediation', show: (g) => plain(g.escalated) },
  { key: 'returned', zh: '企业退回', en: 'Returned', show: (g) => plain(g.returned) },
  { key: 'withdrawn', zh: '消费者撤回', en: 'Withdrawn', show: (g) => plain(g.withdrawn) },
  { key: 'overdue', zh: '超期', en: 'Overdue', show: (g) => plain(g.overdue) },
  { key: 'urged', zh: '督办次数', en: 'Urged', show: (g) => plain(g.urged) },
  {
    key: 'settlement_rate',
    zh: '和解成功率',
    en: 'Settlement rate',
    show: (g) => percent(g.settlement_rate),
  },
  { key: 'on_time_rate', zh: '按时办结率', en: 'On-time rate', show: (g) => percent(g.on_time_rate) },
  { key: 'response_rate', zh: '响应率', en: 'Response rate', show: (g) => percent(g.response_rate) },
  {
    key: 'satisfaction_rate',
    zh: '满意率',
    en: 'Satisfaction rate',
    show: (g) => percent(g.satisfaction_rate),
  },
  { key: 'resolution_rate', zh: '解决率', en: 'Resolution rate', show: (g) => percent(g.resolution_rate) },
  {
    key: 'avg_handling_hours',
    zh: '平均办理时长（小时）',
    en: 'Average handling time (hours)',
    show: (g) => plain(g.avg_handling_hours),
  },
  {
    key: 'avg_days_to_resolution.direct',
    zh: '直接和解平均用时（天）',
    en: 'Days to resolution, settled directly',
    show: (g) => plain(g.avg_days_to_resolution.direct),
  },
  {
    key: 'avg_days_to_resolution.mediated',
    zh: '行政调解平均用时（天）',
    en: 'Days to resolution, mediated',
    show: (g) => plain(g.avg_days_to_resolution.mediated),
  },
  { key: 'refunded', zh: '挽回经济损失', en: 'Refunded to consumers', show: (g) => yuan(g.refunded) },
]

/** The columns of the per-month and per-enterprise tables: a subset, same formatting. */
export const TABLE_KEYS = [
  'received',
  'settled',
  'overdue',
  'settlement_rate',
  'on_time_rate',
  'response_rate',
  'satisfaction_rate',
  'refunded',
] as const

/**
 * The cell of `key` for a month or enterprise: its group's value, or for a group the API left
 * out (no dispute there) a zero count, a zero sum and “—” for rates and averages.
 */
export function cellOf(key: string, group: StatsGroup | undefined): string {
  const found = indicator(key)
  if (group) return found.show(group)
  if (key === 'refunded') return yuan({ amount: 0, currency: 'CNY' })
  return key.endsWith('_rate') || key.startsWith('avg_') ? NONE : '0'
}

export function indicator(key: string): Indicator {
  const found = INDICATORS.find((i) => i.key === key)
  if (!found) throw new RangeError(`no indicator ${key}`)
  return found
}

export const RISK_KINDS: Record<RiskSignal['kind'], string> = {
  rising_volume: '投诉量上升',
  repeated_problem: '同类问题集中',
  low_settlement_rate: '和解率偏低',
  overdue_cluster: '超期集中',
  repeat_complainant: '重复投诉人',
}

/** A risk signal's value in its own unit: a rate for low_settlement_rate, else a count. */
export function signalValue(signal: RiskSignal, value: number | null): string {
  return signal.kind === 'low_settlement_rate' ? percent(value) : plain(value)
}
