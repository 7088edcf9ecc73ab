import type { components } from './generated/openapi.js'

/** The objects the API returns, named after their schemas in openapi/hejie.openapi.json. */
type Schemas = components['schemas']

export type Dispute = Schemas['Dispute']
export type DisputeStatus = Dispute['status']
export type Settlement = Schemas['Settlement']
export type Refund = Schemas['Refund']
export type Contact = Schemas['Contact']
export type Feedback = Schemas['Feedback']
/** The consumer's own answer on the confirmation page, as `settlement.consumer_confirmation`. */
export type ConsumerConfirmation = Schemas['ConsumerConfirmation']
/** A one-time confirmation link for the consumer: `code` is present only in the answer that created it. */
export type ConfirmationRequest = Schemas['ConfirmationRequest']
export type MediationRecord = Schemas['MediationRecord']
export type EvidenceFile = Schemas['File']
export type TimelineEntry = Schemas['TimelineEntry']
export type Money = Schemas['Money']
export type Enterprise = Schemas['Enterprise']
export type ApiClient = Schemas['ApiClient']
/** An API client as created: `client_secret` is shown this once. */
export type ApiClientWithSecret = Schemas['ApiClientWithSecret']
export type Me = Schemas['Me']
/** A node of the tree of regulators: a city bureau, a district bureau or a station. */
export type Jurisdiction = Schemas['Jurisdiction']
export type JurisdictionLevel = Jurisdiction['level']
export type AuditCheckpoint = Schemas['AuditCheckpoint']
export type AuditEntry = Schemas['AuditEntry']
/** A key that signs checkpoints, as a C2SP verifier key (`GET /v1/audit/note-keys`). */
export type AuditNoteKey = Schemas['AuditNoteKey']
export type AuditNoteKeyList = Schemas['AuditNoteKeyList']
/** A witness's cosignature as the gateway recorded it (`POST /v1/audit/cosignatures`). */
export type AuditCosignature = Schemas['AuditCosignature']
/** A cosignature as a checkpoint carries it: the witness's key name, its time, its note signature line. */
export type AuditCheckpointCosignature = Schemas['AuditCheckpointCosignature']
export type InclusionProof = Schemas['InclusionProof']
export type ConsistencyProof = Schemas['ConsistencyProof']
/** A webhook endpoint as listed and read: never its secret. */
export type WebhookEndpoint = Schemas['WebhookEndpoint']
/** A webhook endpoint as created or after `rotateSecret`: `secret` (`whsec_…`) is shown this once. */
export type WebhookEndpointWithSecret = Schemas['WebhookEndpointWithSecret']
export type WebhookDelivery = Schemas['WebhookDelivery']
export type WebhookAttempt = Schemas['WebhookAttempt']
export type WebhookRecovery = Schemas['WebhookRecovery']
/** The regulator's indicators over a window (`GET /v1/stats`): `data` holds one group, or the totals. */
export type StatsReport = Schemas['StatsReport']
export type StatsGroup = Schemas['StatsGroup']
/** Assignees ranked by one indicator (`GET /v1/stats/rankings`), best first. */
export type Ranking = Schemas['Ranking']
export type RankedAssignee = Schemas['RankedAssignee']
/** What a ranking can rank by. */
export type RankingMetric = Ranking['metric']
/** A risk signal of the regulator's watchlist (`GET /v1/risk-signals`). */
export type RiskSignal = Schemas['RiskSignal']
/** The sandbox's clock (`GET /v1/sandbox/clock`). */
export type SandboxClock = Schemas['SandboxClock']
/** What `POST /v1/sandbox/disputes` answers: the disputes made, each with `sandbox: true`. */
export type SandboxDisputeList = Schemas['SandboxDisputeList']
export type RiskSignalKind = RiskSignal['kind']
/** One of the bureau's own units that handle complaints (接诉即办). */
export type HandlingUnit = Schemas['HandlingUnit']
export type HandlingUnitKind = HandlingUnit['kind']
/** A dispatcher rule: conditions → a handling unit. */
export type RoutingRule = Schemas['RoutingRule']
/** Who holds a dispute: an enterprise or a handling unit. */
export type Assignee = Schemas['Assignee']
/** How intake chose the assignee, and why. */
export type Routing = Schemas['Routing']
export type DispatchPreview = Schemas['DispatchPreview']
