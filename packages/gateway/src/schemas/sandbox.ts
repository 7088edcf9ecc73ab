import { Type } from 'typebox'
import { consumerScenarios } from '../domain/sandbox-scenarios.js'
import { StringEnum, Timestamp } from './common.js'

export const SandboxClock = Type.Object(
  {
    object: Type.Literal('sandbox_clock'),
    sandbox: Type.Literal(true),
    now: Type.String({
      format: 'date-time',
      description: 'The gateway’s “now”: what deadlines, scanners and timestamps read.',
    }),
    real_now: Type.String({ format: 'date-time', description: 'Real time, for comparison.' }),
    offset_ms: Type.Integer({ minimum: 0, description: 'How far `now` is ahead of real time.' }),
    moved_at: Type.Union([Timestamp, Type.Null()], {
      description: 'Real time of the last move; null if never moved.',
    }),
  },
  { $id: 'SandboxClock' },
)

export const ClockAdvanceRequest = Type.Object(
  {
    advance: Type.Object(
      {
        working_days: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 250,
            description:
              'Working days in the Asia/Shanghai calendar: the same time of day, n working days later.',
          }),
        ),
        hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760 })),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
)

export const SandboxDisputesRequest = Type.Object(
  {
    enterprise_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'Route every complaint to this active ODR enterprise; without it, the dispatcher places each one.',
      }),
    ),
    count: Type.Integer({ minimum: 1, maximum: 50 }),
    scenario: Type.Optional(
      StringEnum(consumerScenarios, {
        description:
          'How the simulated consumer answers a confirmation request about these disputes: 满意, 基本满意, 不满意 (rejecting the settlement), or never. `satisfied` when absent.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const SandboxDisputeList = Type.Object(
  {
    object: Type.Literal('list'),
    sandbox: Type.Literal(true),
    data: Type.Array(Type.Ref('Dispute')),
  },
  { $id: 'SandboxDisputeList' },
)

export const sandboxSchemas = [SandboxClock, SandboxDisputeList]
