import { Type } from 'typebox'
import { ListOf, Nullable, StringEnum, Timestamp } from './common.js'

export const riskSignalKinds = [
  'rising_volume',
  'repeated_problem',
  'low_settlement_rate',
  'overdue_cluster',
  'repeat_complainant',
] as const

const Time = (description: string, example: string) =>
  Type.String({ format: 'date-time', examples: [example], description })

export const RiskSignal = Type.Object(
  {
    id: Type.String({ examples: ['rsk_01jdq2v8a3k9f0m7c5x4z6w2ht'] }),
    object: Type.Literal('risk_signal'),
    kind: StringEnum(riskSignalKinds, {
      description:
        'rising_volume (a window’s count against the mean of the windows before), repeated_problem (one enterprise, one category, many disputes), low_settlement_rate, overdue_cluster, repeat_complainant (one consumer, many disputes; the consumer is never named). docs/risk-signals.md gives each formula.',
    }),
    jurisdiction_id: Type.String({ description: 'Where the disputes were received.' }),
    subject: Type.Object(
      {
        enterprise_id: Type.Optional(Type.String()),
        category: Type.Optional(Type.String()),
        problem_type: Type.Optional(Type.String()),
      },
      {
        additionalProperties: false,
        description: 'What the signal is about; empty for a repeat complainant.',
      },
    ),
    window: Type.Object(
      {
        start: Timestamp,
        end: Timestamp,
      },
      {
        additionalProperties: false,
        description: 'A calendar week in Beijing time: Monday 00:00 (inclusive) to the next Monday 00:00.',
      },
    ),
    value: Type.Number({ description: 'The count, or for low_settlement_rate the rate (0–1).' }),
    baseline: Nullable(
      Type.Number({
        description: 'rising_volume: the mean count of the windows before; null for the others.',
      }),
    ),
    threshold: Type.Number({ description: 'Where the signal is raised, in the unit of `value`.' }),
    disputes: Type.Array(Type.String(), {
      maxItems: 20,
      description: 'The first 20 disputes, oldest first.',
    }),
    explanation: Type.String(),
    first_raised_at: Timestamp,
    last_seen_at: Timestamp,
  },
  { $id: 'RiskSignal' },
)
export const RiskSignalList = ListOf('RiskSignal', 'RiskSignalList')

export const RiskSignalQuery = {
  from: Type.Optional(Time('Signals whose window ends after it. Any offset.', '2026-11-01T00:00:00+08:00')),
  to: Type.Optional(Time('Signals whose window starts before it.', '2026-12-01T00:00:00+08:00')),
  kind: Type.Optional(StringEnum(riskSignalKinds)),
}

export const riskSignalSchemas = [RiskSignal, RiskSignalList]
