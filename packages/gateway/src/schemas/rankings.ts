import { Type } from 'typebox'
import { StringEnum } from './common.js'
import { CsvQuery } from './csv.js'
import { StatsQuery } from './stats.js'

/** What an assignee can be ranked by: an indicator of `GET /v1/stats`, or the volume received. */
export const rankingMetrics = [
  'settlement_rate',
  'on_time_rate',
  'response_rate',
  'avg_handling_hours',
  'received',
] as const
export type RankingMetric = (typeof rankingMetrics)[number]

/** The metrics where less is better: the fastest handling ranks first. */
export const lowerIsBetter: ReadonlySet<RankingMetric> = new Set(['avg_handling_hours'])

/** The volume below which an assignee is left out of a table, unless the caller asks otherwise. */
export const DEFAULT_MIN_CONCLUDED = 5

export const assigneeTypes = ['enterprise', 'unit'] as const

export const RankingsQuery = Type.Object({
  metric: StringEnum(rankingMetrics, {
    description:
      'What to rank by. Higher ranks first, except `avg_handling_hours`, where the fastest ranks first.',
  }),
  from: StatsQuery.properties.from,
  to: StatsQuery.properties.to,
  min_concluded: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: DEFAULT_MIN_CONCLUDED,
      description: `Leave out assignees with fewer concluded disputes (settled + escalated + returned) in the window, so that one lucky dispute does not top the table. Default ${DEFAULT_MIN_CONCLUDED}; 0 ranks everyone with a value.`,
    }),
  ),
  assignee_type: Type.Optional(
    StringEnum(assigneeTypes, {
      description: 'Rank only enterprises, or only handling units; default both.',
    }),
  ),
  jurisdiction_id: StatsQuery.properties.jurisdiction_id,
  ...CsvQuery,
})

export const RankedAssignee = Type.Object(
  {
    rank: Type.Integer({
      minimum: 1,
      description:
        'Standard competition ranking ("1224"): equal values share a rank, and the next rank skips as many places as shared it.',
    }),
    assignee: Type.Object({
      type: StringEnum(assigneeTypes),
      id: Type.String({ description: '`ent_…` or `hnu_…`' }),
      name: Type.String({ description: 'The enterprise’s registered name or the unit’s name.' }),
    }),
    value: Type.Number({ minimum: 0, description: 'The metric’s value for this assignee.' }),
    indicators: Type.Ref('StatsGroup', {
      description:
        'Every indicator of the assignee in the window, as `GET /v1/stats?group_by=assignee` gives it.',
    }),
  },
  { $id: 'RankedAssignee' },
)

export const Ranking = Type.Object(
  {
    object: Type.Literal('ranking'),
    metric: StringEnum(rankingMetrics),
    from: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'The window’s start as applied, in UTC; null: since the first dispute.',
    }),
    to: Type.String({ format: 'date-time', description: 'The window’s end (exclusive) as applied, in UTC.' }),
    assignee_type: Type.Union([StringEnum(assigneeTypes), Type.Null()], {
      description: 'The kind of assignee ranked; null for both.',
    }),
    min_concluded: Type.Integer({ minimum: 0, description: 'The minimum volume applied.' }),
    data: Type.Array(Type.Ref('RankedAssignee'), { description: 'Best first; ties by assignee id.' }),
    excluded_below_minimum: Type.Integer({
      minimum: 0,
      description: 'Assignees with disputes in the window but fewer than `min_concluded` concluded.',
    }),
    excluded_without_value: Type.Integer({
      minimum: 0,
      description:
        'Assignees above the minimum whose metric has no value (a rate over nothing, or no settled dispute for `avg_handling_hours`).',
    }),
  },
  { $id: 'Ranking' },
)

export const rankingSchemas = [RankedAssignee, Ranking]
