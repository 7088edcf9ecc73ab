/**
 * @hejie/sdk: the typed client of the Hejie settlement API, webhook verification, and
 * verification of audit-log proofs. Everything public is named here; `src/internal/` is not.
 */

export {
  AUDIT_BUNDLE_FORMAT,
  AuditBundleError,
  type AuditBundleProgress,
  type AuditBundleReport,
  type AuditBundleSource,
  CHECKPOINT_TYPE,
  CheckpointError,
  type EntryFailure,
  type EntryProblem,
  readTrustedCheckpoint,
  SAVED_CHECKPOINT_FORMAT,
  type SavedCheckpoint,
  type SignatureCheck,
  type SignedCheckpoint,
  savedCheckpoint,
  type TrustedCheckpoint,
  type TrustedCheckpointCheck,
  type TrustedStatus,
  type VerifyAuditBundleOptions,
  verifyAuditBundle,
} from './audit/bundle.js'
export {
  type ConsistencyCheck,
  EMPTY_ROOT,
  HASH_LENGTH,
  type InclusionCheck,
  isValidConsistency,
  isValidInclusion,
  leafHash,
  MerkleProofError,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './audit/merkle.js'
export {
  type CosignatureCheck,
  generateWitnessKey,
  NoteVerificationError,
  noteVerifierKey,
  parseCheckpointNote,
  readWitnessKey,
  type VerifiedCheckpointNote,
  verifyCheckpointNote,
  verifyCosignatures,
  verifyWitnessedCheckpoint,
  WITNESS_PRIVATE_KEY_PREFIX,
  type WitnessedCheckpoint,
  type WitnessedCheckpointCheck,
  type WitnessKey,
  WitnessKeyError,
  type WitnessKeyPair,
  type WitnessPolicy,
  type WitnessVerdict,
  withCosignatures,
} from './audit/witness.js'
export { type CallInit, Hejie, type HejieOptions } from './client.js'
export {
  APIConnectionError,
  APITimeoutError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type ErrorCode,
  HejieError,
  InternalServerError,
  NotFoundError,
  type OAuthErrorBody,
  PermissionDeniedError,
  PreconditionFailedError,
  type Problem,
  RateLimitError,
  UnprocessableEntityError,
} from './errors.js'
export type { components, operations, paths } from './generated/openapi.js'
export type { RequestOptions } from './internal/transport.js'
export type {
  ApiClient,
  ApiClientWithSecret,
  Assignee,
  AuditCheckpoint,
  AuditCheckpointCosignature,
  AuditCosignature,
  AuditEntry,
  AuditNoteKey,
  AuditNoteKeyList,
  ConfirmationRequest,
  ConsistencyProof,
  ConsumerConfirmation,
  Contact,
  DispatchPreview,
  Dispute,
  DisputeStatus,
  Enterprise,
  EvidenceFile,
  Feedback,
  HandlingUnit,
  HandlingUnitKind,
  InclusionProof,
  Jurisdiction,
  JurisdictionLevel,
  Me,
  MediationRecord,
  Money,
  RankedAssignee,
  Ranking,
  RankingMetric,
  Refund,
  RiskSignal,
  RiskSignalKind,
  Routing,
  RoutingRule,
  SandboxClock,
  SandboxDisputeList,
  Settlement,
  StatsGroup,
  StatsReport,
  TimelineEntry,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookRecovery,
} from './models.js'
export { Page, PagePromise } from './pagination.js'
export type {
  Audit,
  AuditConsistencyProofParams,
  AuditCosignParams,
  AuditEntryListParams,
  AuditInclusionProofParams,
} from './resources/audit.js'
export type {
  ClientCreateParams,
  ClientListParams,
  Clients,
  EnterpriseClientListParams,
  RegulatorClientCreateParams,
} from './resources/clients.js'
export type { Dispatch, DispatchPreviewParams } from './resources/dispatch.js'
export type {
  DisputeAcceptParams,
  DisputeActionOptions,
  DisputeAssignParams,
  DisputeCloseParams,
  DisputeCreateParams,
  DisputeDeclineParams,
  DisputeErasePersonalDataParams,
  DisputeEscalateParams,
  DisputeListParams,
  DisputeRecordContactParams,
  DisputeRecordFeedbackParams,
  DisputeRecordMediationParams,
  DisputeRecordRefundParams,
  DisputeRecordSettlementParams,
  DisputeReportOutcomeParams,
  Disputes,
  DisputeTimelineParams,
  DisputeUrgeParams,
  DisputeWithdrawParams,
} from './resources/disputes.js'
export type {
  EnterpriseCreateParams,
  EnterpriseListParams,
  Enterprises,
  EnterpriseUpdateParams,
} from './resources/enterprises.js'
export type { EventListParams, Events } from './resources/events.js'
export type { FileDownload, FilePurpose, Files, FileUploadParams } from './resources/files.js'
export type {
  HandlingUnitCreateParams,
  HandlingUnitListParams,
  HandlingUnits,
  HandlingUnitUpdateParams,
} from './resources/handling-units.js'
export type {
  JurisdictionCreateParams,
  JurisdictionListParams,
  Jurisdictions,
  JurisdictionUpdateParams,
} from './resources/jurisdictions.js'
export type { RiskSignalListParams, RiskSignals } from './resources/risk-signals.js'
export type {
  RoutingRuleCreateParams,
  RoutingRuleListParams,
  RoutingRules,
  RoutingRuleUpdateParams,
} from './resources/routing-rules.js'
export type {
  ClockAdvance,
  Sandbox,
  SandboxClockResource,
  SandboxDisputes,
  SandboxDisputesParams,
} from './resources/sandbox.js'
export type { Stats, StatsRankingsParams, StatsRetrieveParams } from './resources/stats.js'
export type {
  WebhookDeliveryListParams,
  WebhookEndpointCreateParams,
  WebhookEndpointListParams,
  WebhookEndpointRecoverParams,
  WebhookEndpoints,
  WebhookEndpointUpdateParams,
} from './resources/webhook-endpoints.js'
export type { DisputeEventType, EventType, HejieEvent } from './webhooks/events.js'
export { type WebhookHeaders, WebhookVerificationError, webhooks } from './webhooks/verify.js'
