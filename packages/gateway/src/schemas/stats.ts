import { type TSchema, Type } from 'typebox'
import { StringEnum } from './common.js'
import { CsvQuery } from './csv.js'

/** An RFC 3339 time with what it means here. */
const Time = (description: string, example: string) =>
  Type.String({ format: 'date-time', examples: [example], description })

export const statsGroupings = ['enterprise', 'problem_type', 'month', 'jurisdiction', 'assignee'] as const
export type StatsGrouping = (typeof statsGroupings)[number]

export const StatsQuery = Type.Object({
  from: Type.Optional(
    Time(
      'Start of the window (inclusive): disputes assigned at or after it. Any offset; `+08:00` for Beijing time. Default: since the first dispute.',
      '2026-01-01T00:00:00+08:00',
    ),
  ),
  to: Type.Optional(
    Time(
      'End of the window (exclusive): disputes assigned before it. Default: now.',
      '2026-02-01T00:00:00+08:00',
    ),
  ),
  enterprise_id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Only this enterprise (regulators; an enterprise always sees only its own).',
    }),
  ),
  jurisdiction_id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        "Regulators: only disputes received in this jurisdiction or below it (within the caller's subtree).",
    }),
  ),
  group_by: Type.Optional(
    StringEnum(statsGroupings, {
      description:
        'One element per enterprise (counting only what enterprises hold), problem type, month (China Standard Time, UTC+8), jurisdiction where the dispute was received, or assignee (an enterprise or a handling unit, by its prefixed id); without it, one element: the totals.',
    }),
  ),
  ...CsvQuery,
})

const Count = (description: string) => Type.Integer({ minimum: 0, description })
/** `schema` or null, described as a whole (so that the description reaches the generated SDK types). */
const OrNull = (schema: TSchema, description: string) => Type.Union([schema, Type.Null()], { description })
const Rate = (description: string) =>
  OrNull(Type.Number({ minimum: 0, maximum: 1 }), `${description} Null when the denominator is 0.`)

export const StatsGroup = Type.Object(
  {
    group: OrNull(
      Type.String(),
      'The enterprise id, the problem type, the month as `YYYY-MM` in UTC+8, the jurisdiction id, or the assignee id (`ent_…` or `hnu_…`); null for the totals.',
    ),
    received: Count('Disputes assigned in the window (to the enterprise they are assigned to now).'),
    accepted: Count('Of those, accepted by the enterprise.'),
    settled: Count('Closed after the enterprise reported its settlement fulfilled (resolution `settled`).'),
    escalated: Count(
      'Sent to administrative mediation: `escalated` now, or closed by the regulator after it.',
    ),
    returned: Count(
      'Declined by the enterprise: `returned` now, or closed by the regulator without mediation.',
    ),
    withdrawn: Count('Closed because the consumer withdrew the complaint.'),
    overdue: Count('Still awaiting the enterprise after `respond_by`, now or at some point.'),
    settlement_rate: Rate('和解成功率: settled ÷ (settled + escalated + returned).'),
    on_time_rate: Rate(
      '按时办结率: concluded without ever being overdue ÷ (settled + escalated + returned).',
    ),
    response_rate: Rate('响应率: accepted with a contact recorded by `respond_by` ÷ received.'),
    satisfaction_rate: Rate('满意率: feedback satisfied or basically satisfied ÷ feedback given.'),
    resolution_rate: Rate('解决率: feedback saying the problem was resolved ÷ feedback given.'),
    avg_handling_hours: OrNull(
      Type.Number({ minimum: 0 }),
      'Mean hours from assignment to closing over the settled disputes, to 0.01 h. Null when none is settled.',
    ),
    avg_days_to_resolution: Type.Object(
      {
        direct: OrNull(
          Type.Number({ minimum: 0 }),
          'Mean calendar days from receipt to closing over the disputes settled directly by their assignee (resolution `settled`), to 0.01 day.',
        ),
        mediated: OrNull(
          Type.Number({ minimum: 0 }),
          'The same over the disputes closed as `mediated` after administrative mediation.',
        ),
      },
      {
        description:
          'How long the consumer waited, settled directly against through mediation; null where there is none.',
      },
    ),
    urged: Count('Urges (督办) of the assignees now holding these disputes.'),
    consumer_confirmed_rate: Rate(
      '消费者确认率: settlements the consumer confirmed on the confirmation page ÷ those the consumer answered (confirmed or rejected).',
    ),
    consumer_satisfaction_rate: Rate(
      '消费者满意率: answers on the confirmation page rated satisfied or basically satisfied ÷ answers.',
    ),
    refunded: Type.Ref('Money', { description: 'Refunds recorded on these disputes.' }),
  },
  { $id: 'StatsGroup' },
)

export const StatsReport = Type.Object(
  {
    object: Type.Literal('stats'),
    from: OrNull(
      Type.String({ format: 'date-time', examples: ['2025-12-31T16:00:00.000Z'] }),
      'The window’s start as applied, in UTC; null: since the first dispute.',
    ),
    to: Time('The window’s end (exclusive) as applied, in UTC.', '2026-01-31T16:00:00.000Z'),
    group_by: OrNull(StringEnum(statsGroupings), 'The grouping asked for; null for the totals.'),
    data: Type.Array(Type.Ref('StatsGroup')),
  },
  { $id: 'StatsReport' },
)

export const statsSchemas = [StatsGroup, StatsReport]
