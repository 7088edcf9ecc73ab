import { type TSchema, Type } from 'typebox'
import { ListOf, StringEnum, Timestamp } from './common.js'
import { channels, problemTypes } from './disputes.js'

export const unitKinds = ['center', 'division', 'station', 'task_force'] as const
export const unitStatuses = ['active', 'inactive'] as const

const strict = <T extends Record<string, TSchema>>(properties: T, options: Record<string, unknown> = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options })
const Id = Type.String({ minLength: 1, maxLength: 64 })

export const HandlingUnit = Type.Object(
  {
    id: Type.String({ examples: ['hnu_01jdq2v8a3k9f0m7c5x4z6w2ht'] }),
    object: Type.Literal('handling_unit'),
    jurisdiction_id: Type.String(),
    name: Type.String({ examples: ['丰台区12345接诉即办中心'] }),
    kind: StringEnum(unitKinds, {
      description:
        'center (中心调度: receives what nothing else matches and dispatches by hand), division (科室), station (所队), task_force (专班). Fixed at creation.',
    }),
    status: StringEnum(unitStatuses, { description: 'An inactive unit receives no disputes.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'HandlingUnit' },
)
export const HandlingUnitList = ListOf('HandlingUnit', 'HandlingUnitList')

export const HandlingUnitCreate = strict({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: StringEnum(unitKinds),
  jurisdiction_id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: "The caller's jurisdiction when absent; always within its subtree.",
    }),
  ),
})

export const HandlingUnitUpdate = strict(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(StringEnum(unitStatuses)),
  },
  { minProperties: 1 },
)

export const RuleConditions = strict(
  {
    problem_type: Type.Optional(StringEnum(problemTypes)),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    area_code_prefix: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description: "Matches when the respondent's `area_code` starts with it.",
      }),
    ),
    channel: Type.Optional(StringEnum(channels)),
    keywords: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        minItems: 1,
        maxItems: 50,
        description:
          "Matches when any keyword occurs in the claim's description or the respondent's name (NFKC, lower-cased).",
      }),
    ),
  },
  { description: 'All given conditions must match; an absent one matches anything.' },
)

export const RoutingRule = Type.Object(
  {
    id: Type.String({ examples: ['rtr_01jdq2v8a3k9f0m7c5x4z6w2ht'] }),
    object: Type.Literal('routing_rule'),
    jurisdiction_id: Type.String(),
    priority: Type.Integer({ description: 'Lower first, within one jurisdiction.' }),
    enabled: Type.Boolean(),
    conditions: RuleConditions,
    target: Type.Object({ unit_id: Type.String() }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'RoutingRule' },
)
export const RoutingRuleList = ListOf('RoutingRule', 'RoutingRuleList')

const Priority = Type.Integer({ minimum: 0, maximum: 1_000_000 })

export const RoutingRuleCreate = strict({
  jurisdiction_id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: "The caller's jurisdiction when absent; always within its subtree.",
    }),
  ),
  priority: Priority,
  enabled: Type.Optional(Type.Boolean({ default: true })),
  conditions: RuleConditions,
  target: strict({ unit_id: Id }),
})

export const RoutingRuleUpdate = strict(
  {
    priority: Type.Optional(Priority),
    enabled: Type.Optional(Type.Boolean()),
    conditions: Type.Optional(RuleConditions),
    target: Type.Optional(strict({ unit_id: Id })),
  },
  { minProperties: 1 },
)

export const DispatchPreview = Type.Object(
  {
    object: Type.Literal('dispatch_preview'),
    assignee: Type.Ref('Assignee'),
    routing: Type.Ref('Routing'),
  },
  { $id: 'DispatchPreview' },
)

export const dispatchSchemas = [HandlingUnit, HandlingUnitList, RoutingRule, RoutingRuleList, DispatchPreview]
