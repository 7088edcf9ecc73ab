import type { Indicators } from '../../domain/indicators.js'
import type { CsvColumn } from '../../schemas/csv.js'
import type { RankedAssignee } from './rankings.js'

/** The indicators' columns, shared by the stats and the rankings exports; rates as fractions. */
function indicatorColumns<T>(of: (row: T) => Indicators): CsvColumn<T>[] {
  return [
    { zh: '受理数', en: 'received', value: (row) => of(row).received },
    { zh: '接收数', en: 'accepted', value: (row) => of(row).accepted },
    { zh: '和解数', en: 'settled', value: (row) => of(row).settled },
    { zh: '转行政调解数', en: 'escalated', value: (row) => of(row).escalated },
    { zh: '退回数', en: 'returned', value: (row) => of(row).returned },
    { zh: '撤诉数', en: 'withdrawn', value: (row) => of(row).withdrawn },
    { zh: '超期数', en: 'overdue', value: (row) => of(row).overdue },
    { zh: '和解成功率', en: 'settlement_rate', value: (row) => of(row).settlement_rate },
    { zh: '按时办结率', en: 'on_time_rate', value: (row) => of(row).on_time_rate },
    { zh: '响应率', en: 'response_rate', value: (row) => of(row).response_rate },
    { zh: '满意率', en: 'satisfaction_rate', value: (row) => of(row).satisfaction_rate },
    { zh: '解决率', en: 'resolution_rate', value: (row) => of(row).resolution_rate },
    { zh: '平均处理时长（小时）', en: 'avg_handling_hours', value: (row) => of(row).avg_handling_hours },
    {
      zh: '先行和解平均办结天数',
      en: 'avg_days_to_resolution_direct',
      value: (row) => of(row).avg_days_to_resolution.direct,
    },
    {
      zh: '行政调解平均办结天数',
      en: 'avg_days_to_resolution_mediated',
      value: (row) => of(row).avg_days_to_resolution.mediated,
    },
    { zh: '督办次数', en: 'urged', value: (row) => of(row).urged },
    {
      zh: '消费者确认率',
      en: 'consumer_confirmed_rate',
      value: (row) => of(row).consumer_confirmed_rate,
    },
    {
      zh: '消费者满意率',
      en: 'consumer_satisfaction_rate',
      value: (row) => of(row).consumer_satisfaction_rate,
    },
    // Money as yuan with two decimals, as the bureau's tables write it.
    { zh: '退款金额（元）', en: 'refunded_cny', value: (row) => (of(row).refunded.amount / 100).toFixed(2) },
  ]
}

export const statsColumns: CsvColumn<Indicators & { group: string | null }>[] = [
  { zh: '分组', en: 'group', value: (row) => row.group ?? '' },
  ...indicatorColumns((row: Indicators) => row),
]

export const rankingColumns: CsvColumn<RankedAssignee>[] = [
  { zh: '排名', en: 'rank', value: (row) => row.rank },
  {
    zh: '承办方类型',
    en: 'assignee_type',
    value: (row) => (row.assignee.type === 'unit' ? 'unit' : 'enterprise'),
  },
  { zh: '承办方编号', en: 'assignee_id', value: (row) => row.assignee.id },
  { zh: '承办方名称', en: 'assignee_name', value: (row) => row.assignee.name },
  { zh: '指标值', en: 'value', value: (row) => row.value },
  ...indicatorColumns((row: RankedAssignee) => row.indicators),
]
