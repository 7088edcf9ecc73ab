import { Type } from 'typebox'
import { ListOf, Nullable, StringEnum, Timestamp } from './common.js'

export const jurisdictionLevels = ['city', 'district', 'station'] as const

const Level = StringEnum(jurisdictionLevels, {
  description: '市局 → 区局 → 所: a child is always at a lower level than its parent.',
})

const Code = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[0-9A-Za-z][0-9A-Za-z-]*$',
  description:
    'A city or district: its GB/T 2260 six-digit area code (丰台区 110106). A station: an internal code, usually below its district (110106001). Unique in the deployment.',
  examples: ['110106'],
})

export const Jurisdiction = Type.Object(
  {
    id: Type.String({ examples: ['jur_01jdq2v8a3k9f0m7c5x4z6w2ht'] }),
    object: Type.Literal('jurisdiction'),
    name: Type.String({ examples: ['丰台区市场监督管理局'] }),
    code: Type.String({ examples: ['110106'] }),
    level: Level,
    parent_id: Nullable(Type.String({ description: 'null for the root, made at set-up.' })),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Jurisdiction' },
)

export const JurisdictionList = ListOf('Jurisdiction', 'JurisdictionList')

export const JurisdictionCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    code: Code,
    level: Level,
    parent_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: "The caller's own jurisdiction when absent; always within the caller's subtree.",
      }),
    ),
  },
  { additionalProperties: false },
)

export const JurisdictionUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    code: Type.Optional(Code),
    level: Type.Optional(Level),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const jurisdictionSchemas = [Jurisdiction, JurisdictionList]
