/**
 * The API's objects, from the SDK's types generated from the OpenAPI document. Types only:
 * the SDK's runtime is for Node, and the console talks to /v1 with fetch.
 */
export type {
  ApiClient,
  AuditCheckpoint,
  AuditEntry,
  ConfirmationRequest,
  Contact,
  DispatchPreview,
  Dispute,
  DisputeStatus,
  Enterprise,
  EvidenceFile,
  HandlingUnit,
  InclusionProof,
  Me,
  MediationRecord,
  Money,
  RankedAssignee,
  Ranking,
  RankingMetric,
  Refund,
  RiskSignal,
  RoutingRule,
  Settlement,
  StatsGroup,
  StatsReport,
  TimelineEntry,
  WebhookDelivery,
  WebhookEndpoint,
} from '@hejie/sdk'

/** The list envelope every list endpoint answers with. */
export interface List<T> {
  object: 'list'
  data: T[]
  has_more: boolean
  next_cursor: string | null
}
