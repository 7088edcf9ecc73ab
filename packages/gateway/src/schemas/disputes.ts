import { type TSchema, Type } from 'typebox'
import {
  disputeActions,
  disputeStatuses,
  regulatorResolutions,
  resolutions,
} from '../domain/disputes/lifecycle.js'
import { ListOf, Nullable, StringEnum, Timestamp } from './common.js'
import { ConsumerConfirmation } from './confirmations.js'

const Enum = StringEnum

export const channels = ['hotline_12315', 'hotline_12345', 'web', 'app', 'mini_program', 'walk_in'] as const
export const problemTypes = [
  'quality',
  'after_sales',
  'contract',
  'price',
  'food_safety',
  'false_advertising',
  'measurement',
  'safety',
  'personal_rights',
  'other',
] as const
export const demands = [
  'refund',
  'return',
  'replacement',
  'repair',
  'compensation',
  'apology',
  'other',
] as const
export const remedies = [
  'refund',
  'partial_refund',
  'return_and_refund',
  'replacement',
  'repair',
  'compensation',
  'apology',
  'other',
] as const

/** Money in minor units (fen): never a float. */
export const Money = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'Minor units (fen).' }),
    currency: Type.Literal('CNY'),
  },
  { $id: 'Money', additionalProperties: false },
)
const PositiveMoney = Type.Object(
  { amount: Type.Integer({ minimum: 1, maximum: 100_000_000_000 }), currency: Type.Literal('CNY') },
  { additionalProperties: false },
)

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' })
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength })

const Claim = Type.Object(
  {
    description: Text(5000),
    demands: Type.Array(Enum(demands), { minItems: 1, uniqueItems: true }),
    amount: Type.Optional(Type.Ref('Money')),
  },
  { additionalProperties: false },
)

const Purchase = Type.Object(
  {
    date: Type.Optional(Day),
    order_ref: Type.Optional(Text(200)),
    amount: Type.Optional(Type.Ref('Money')),
    channel: Type.Optional(Enum(['online', 'offline', 'live_stream'] as const)),
  },
  { additionalProperties: false },
)

export const Settlement = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('settlement'),
    dispute_id: Type.String(),
    remedy: Enum(remedies),
    amount: Nullable(Type.Ref('Money')),
    terms: Type.String(),
    agreed_at: Timestamp,
    consumer_consent: Type.Object({ method: Type.String(), reference: Type.String() }),
    // Optional: the dispute's copy of a settlement recorded before evidence files existed has none.
    evidence: Type.Optional(
      Type.Array(Type.String(), { description: 'The ids of the files (`fil_…`) cited as evidence.' }),
    ),
    created_at: Timestamp,
    consumer_confirmation: Type.Optional(
      Nullable(
        Type.Ref('ConsumerConfirmation', {
          description:
            'The consumer’s own answer on the confirmation page (docs/confirmation.md); null until given.',
        }),
      ),
    ),
  },
  { $id: 'Settlement' },
)

export const Refund = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('refund'),
    dispute_id: Type.String(),
    settlement_id: Type.String(),
    amount: Type.Ref('Money'),
    method: Type.String(),
    reference: Type.String(),
    refunded_at: Timestamp,
    evidence: Type.Array(Type.String(), { description: 'The ids of the files (`fil_…`) cited as evidence.' }),
    created_at: Timestamp,
  },
  { $id: 'Refund' },
)

export const mediationMethods = ['phone', 'in_person', 'online'] as const

export const MediationParticipant = Type.Object(
  {
    role: Enum(['consumer', 'respondent', 'mediator', 'other'] as const),
    name: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { $id: 'MediationParticipant', additionalProperties: false },
)

export const Contact = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('contact'),
    dispute_id: Type.String(),
    channel: Type.String(),
    contacted_at: Timestamp,
    reached: Type.Boolean(),
    summary: Type.String(),
    evidence: Type.Array(Type.String(), { description: 'The ids of the files (`fil_…`) cited as evidence.' }),
    created_at: Timestamp,
  },
  { $id: 'Contact' },
)

export const MediationRecord = Type.Object(
  {
    id: Type.String({ examples: ['med_01jdq3c0k2m4n6p8r0t2v4x6z8'] }),
    object: Type.Literal('mediation_record'),
    dispute_id: Type.String(),
    held_at: Timestamp,
    method: Enum(mediationMethods),
    participants: Type.Array(Type.Ref('MediationParticipant')),
    summary: Type.String(),
    agreement: Nullable(Type.String()),
    evidence: Type.Array(Type.String(), { description: 'The ids of the files (`fil_…`) cited as evidence.' }),
    created_at: Timestamp,
  },
  { $id: 'MediationRecord', description: 'A session of administrative mediation (行政调解).' },
)

export const Feedback = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('feedback'),
    dispute_id: Type.String(),
    resolved: Type.Boolean(),
    satisfaction: Enum(['satisfied', 'basically_satisfied', 'dissatisfied'] as const),
    note: Nullable(Type.String()),
    recorded_at: Timestamp,
  },
  { $id: 'Feedback' },
)

export const Assignee = Type.Object(
  { type: StringEnum(['enterprise', 'unit'] as const), id: Type.String() },
  { $id: 'Assignee', description: 'Who holds a dispute: an ODR enterprise or a handling unit.' },
)

export const Routing = Type.Object(
  {
    rule_id: Type.Optional(
      Type.String({ description: 'The routing rule that matched (`matched_by: rule`).' }),
    ),
    matched_by: StringEnum(['explicit', 'uscc', 'name', 'rule', 'fallback'] as const),
    explanation: Type.String({ description: 'Why, in words: stored on the dispute and in its audit entry.' }),
  },
  { $id: 'Routing' },
)

export const Respondent = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    uscc: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
    address: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    area_code: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description: "Where the respondent trades: a GB/T 2260 code or a station's code.",
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Whom the consumer complains about, as the intake centre recorded it.',
  },
)

export const RespondentView = Nullable(
  Type.Object({
    name: Type.String(),
    uscc: Type.Optional(Type.String()),
    address: Type.Optional(Type.String()),
    area_code: Type.Optional(Type.String()),
  }),
)

export const Dispute = Type.Object(
  {
    id: Type.String({ examples: ['dsp_01jdq3a5m8c2x7v4b9n6k1p3rt'] }),
    object: Type.Literal('dispute'),
    external_ref: Type.String({ description: 'The intake ticket number; unique.' }),
    channel: Enum(channels),
    status: Enum(disputeStatuses),
    resolution: Nullable(Enum(resolutions)),
    enterprise_id: Nullable(
      Type.String({ description: 'The enterprise holding it; null while a unit does.' }),
    ),
    assignee: Type.Ref('Assignee'),
    respondent: RespondentView,
    routing: Nullable(Type.Ref('Routing')),
    jurisdiction_id: Type.String({ description: 'Where the complaint was received (see Jurisdictions).' }),
    consumer: Type.Object(
      { name: Nullable(Type.String()), phone: Nullable(Type.String()) },
      {
        description:
          'Full to the assigned enterprise while open, masked once closed, null after erasure; never in events.',
      },
    ),
    problem_type: Enum(problemTypes),
    category: Nullable(Type.String()),
    claim: Type.Object({
      description: Type.String(),
      demands: Type.Array(Enum(demands)),
      amount: Type.Optional(Type.Ref('Money')),
    }),
    // The purchase as the intake gave it, so that it can be passed back as it is.
    purchase: Purchase,
    received_at: Timestamp,
    assigned_at: Timestamp,
    respond_by: Nullable(
      Type.String({
        format: 'date-time',
        description: 'null while the dispute waits at the centre to be dispatched: no deadline runs yet.',
      }),
    ),
    respond_by_provisional: Type.Boolean({
      description:
        "True when `respond_by` was counted through a year whose holiday schedule was not published yet: its statutory days off were derived from the law's rules and make-up working days were unknown. A deadline, once set, keeps its date when the schedule is published.",
    }),
    accepted_at: Nullable(Timestamp),
    settled_at: Nullable(Timestamp),
    closed_at: Nullable(Timestamp),
    overdue: Type.Boolean(),
    settlement: Nullable(Type.Ref('Settlement')),
    refunded: Type.Ref('Money'),
    outcome: Nullable(
      Type.Object({
        result: Enum(['fulfilled', 'not_settled'] as const),
        reason: Nullable(Type.String()),
        summary: Type.String(),
        reported_at: Timestamp,
      }),
    ),
    feedback: Nullable(Type.Ref('Feedback')),
    urge_count: Type.Integer({
      minimum: 0,
      description: 'Times a regulator urged (督办) the assignee now holding it.',
    }),
    last_urged_at: Nullable(Timestamp),
    mediation_due_at: Nullable(
      Type.String({
        format: 'date-time',
        description:
          'Escalated to administrative mediation: when it must conclude (by default 45 working days from the escalation).',
      }),
    ),
    allowed_actions: Type.Array(Enum(disputeActions)),
    version: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
    sandbox: Type.Optional(
      Type.Literal(true, {
        description:
          'Present on disputes a sandbox generated (`POST /v1/sandbox/disputes`); absent on every other.',
      }),
    ),
  },
  { $id: 'Dispute' },
)

export const DisputeList = ListOf('Dispute', 'DisputeList')

export const TimelineEntry = Type.Object(
  {
    object: Type.Literal('timeline_entry'),
    audit_index: Type.Integer({
      description: 'The index of the audit-log entry that commits to this change.',
    }),
    action: Type.String(),
    actor: Type.Object({
      role: Type.String(),
      client_id: Type.String(),
      enterprise_id: Type.Optional(Type.String()),
      unit_id: Type.Optional(Type.String()),
    }),
    at: Timestamp,
    object_id: Type.String(),
    details: Type.Object({}, { additionalProperties: true }),
  },
  { $id: 'TimelineEntry' },
)
export const Timeline = ListOf('TimelineEntry', 'Timeline')

const strict = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false })
const Note = Type.Optional(Type.String({ maxLength: 2000 }))
/** Files (`fil_…`) cited by a record: its own dispute's, or unbound ones the caller uploaded. */
const Evidence = Type.Optional(
  Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    maxItems: 20,
    uniqueItems: true,
    description:
      'Evidence files (`fil_…`, from `POST /v1/files`): each of this dispute, or uploaded by the caller and not yet bound (it is bound by this request). Each file’s SHA-256 enters the audit entry.',
  }),
)

export const IntakeBody = strict({
  external_ref: Type.String({ minLength: 1, maxLength: 100 }),
  channel: Enum(channels),
  enterprise_id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        'The enterprise that handles it; when given it wins (`matched_by: explicit`), else the dispatcher chooses.',
    }),
  ),
  respondent: Type.Optional(Respondent),
  jurisdiction_id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        "Where the complaint was received: the caller's jurisdiction when absent, always within its subtree.",
    }),
  ),
  consumer: strict({ name: Text(100), phone: Type.String({ minLength: 5, maxLength: 30 }) }),
  problem_type: Enum(problemTypes),
  category: Type.Optional(Text(200)),
  claim: Claim,
  purchase: Type.Optional(Purchase),
  received_at: Type.Optional(Timestamp),
  evidence: Evidence,
})

export const actionBodies = {
  accept: strict({ note: Note }),
  decline: strict({
    reason: Enum(['not_responsible', 'duplicate', 'insufficient_information', 'other'] as const),
    note: Note,
  }),
  contacts: strict({
    channel: Enum(['phone', 'sms', 'im', 'email', 'in_person'] as const),
    contacted_at: Timestamp,
    reached: Type.Boolean(),
    summary: Text(5000),
    evidence: Evidence,
  }),
  settlements: strict({
    remedy: Enum(remedies),
    amount: Type.Optional(PositiveMoney),
    terms: Text(5000),
    agreed_at: Timestamp,
    consumer_consent: strict({
      method: Enum(['phone_recording', 'sms', 'written', 'in_app'] as const),
      reference: Text(200),
    }),
    evidence: Evidence,
  }),
  refunds: strict({
    amount: PositiveMoney,
    method: Enum(['original_payment', 'bank_transfer', 'wechat_pay', 'alipay', 'cash', 'other'] as const),
    reference: Text(200),
    refunded_at: Timestamp,
    evidence: Evidence,
  }),
  outcome: strict({
    result: Enum(['fulfilled', 'not_settled'] as const),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    summary: Text(5000),
    evidence: Evidence,
  }),
  assign: Type.Union(
    [
      strict({ enterprise_id: Type.String({ minLength: 1, maxLength: 64 }) }),
      strict({ unit_id: Type.String({ minLength: 1, maxLength: 64 }) }),
    ],
    { description: 'Exactly one of `enterprise_id` or `unit_id`.' },
  ),
  escalate: strict({ reason: Text(2000) }),
  withdraw: strict({ note: Note }),
  close: strict({ resolution: Enum(regulatorResolutions), note: Note }),
  feedback: strict({
    resolved: Type.Boolean(),
    satisfaction: Enum(['satisfied', 'basically_satisfied', 'dissatisfied'] as const),
    note: Note,
  }),
  'erase-personal-data': strict({ note: Note }),
  urge: strict({
    note: Text(2000),
    respond_by: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'A new deadline for the assignee, in the future; its deadline events fire again against it.',
      }),
    ),
  }),
  'mediation-records': strict({
    held_at: Timestamp,
    method: Enum(mediationMethods),
    participants: Type.Array(Type.Ref('MediationParticipant'), { minItems: 1, maxItems: 20 }),
    summary: Text(5000),
    agreement: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    evidence: Evidence,
  }),
}

export const disputeSchemas = [
  ConsumerConfirmation,
  Assignee,
  Routing,
  Money,
  Settlement,
  Refund,
  Contact,
  MediationParticipant,
  MediationRecord,
  Feedback,
  Dispute,
  DisputeList,
  TimelineEntry,
  Timeline,
  ListOf('Contact', 'ContactList'),
  ListOf('Settlement', 'SettlementList'),
  ListOf('Refund', 'RefundList'),
  ListOf('MediationRecord', 'MediationRecordList'),
]
