/**
 * The database schema as TypeScript types, for Kysely. One interface per table; the
 * migrations in `migrations/` create exactly these columns.
 */

/** One row per (client, Idempotency-Key): claimed at the start of a write, completed in the same transaction. */
export interface IdempotencyKeyTable {
  client_id: string
  key: string
  request_hash: string
  response_status: number | null
  response_body: string | null
  created_at: string
}

/** The transactional outbox: every change writes its event here in its own transaction. */
export interface EventTable {
  sequence: number
  id: string
  type: string
  /** Whose feed and webhooks receive it: an enterprise's id, or a handling unit's (`hnu_…`). */
  enterprise_id: string | null
  dispute_id: string | null
  /** Which regulators see it: those whose subtree holds this node. */
  jurisdiction_id: string
  created_at: string
  data: string
}

/** Leaves of the append-only Merkle log: the canonical bytes exactly as hashed. */
export interface AuditEntryTable {
  leaf_index: number
  leaf_hash: Uint8Array
  canonical: Uint8Array
  dispute_id: string | null
  /** The assignee it was written for, who reads it: an enterprise's id, or a handling unit's. */
  enterprise_id: string | null
  /** Which regulators read it: those whose subtree holds this node. */
  jurisdiction_id: string
  created_at: string
}

/** Hashes of complete subtrees (2^level leaves starting at position × 2^level), so roots and proofs cost O(log n) reads. */
export interface AuditNodeTable {
  level: number
  position: number
  hash: Uint8Array
}

/** The random salt of one entry's personal-data commitment; deleted on erasure. */
export interface AuditSaltTable {
  leaf_index: number
  dispute_id: string
  salt: Uint8Array
}

/** Signed tree heads; the primary key makes a second root for one size impossible. */
export interface AuditCheckpointTable {
  tree_size: number
  root_hash: Uint8Array
  timestamp: string
  signature: string
  /** The same checkpoint as a C2SP signed note, signed by the JWS's key (null until first asked for, on older rows). */
  note: string | null
}

/** A witness's cosignature (c2sp.org/tlog-cosignature) of a checkpoint the gateway signed. */
export interface AuditCosignatureTable {
  client_id: string
  tree_size: number
  /** The root cosigned, base64: a checkpoint signed anew for the same size (a rewritten log) does not inherit it. */
  root_hash: string
  /** POSIX seconds, as signed; each witness's are strictly increasing. */
  timestamp: number
  /** The witness's key name. */
  name: string
  /** The note signature line, as submitted: `— <name> <base64>`. */
  line: string
  created_at: string
}

/** A node of the tree of regulators a deployment serves: city, district, station. */
export interface JurisdictionTable {
  id: string
  name: string
  code: string
  level: 'city' | 'district' | 'station'
  parent_id: string | null
  created_at: string
  updated_at: string
}

/** Every (ancestor, descendant) pair of the tree, a node its own ancestor at depth 0. */
export interface JurisdictionClosureTable {
  ancestor_id: string
  descendant_id: string
  depth: number
}

/** ODR enterprises: the respondents that settle disputes routed to them. */
export interface EnterpriseTable {
  id: string
  name: string
  uscc: string
  address: string | null
  contact_name: string
  contact_phone: string
  contact_email: string | null
  odr_status: 'active' | 'suspended' | 'exited'
  /** JSON array of other names the enterprise is known by (the dispatcher matches them). */
  aliases: string
  /** Where it is registered: only regulators of this subtree manage it. */
  jurisdiction_id: string
  created_at: string
  updated_at: string
}

/** The normalised name and each normalised alias of an enterprise (`domain/dispatch/names.ts`). */
export interface EnterpriseNameTable {
  name_key: string
  enterprise_id: string
}

/** One of the bureau's own units that handle complaints: the centre, a division, a station, a task force. */
export interface HandlingUnitTable {
  id: string
  jurisdiction_id: string
  name: string
  /** Fixed at creation: a unit client's token carries it. */
  kind: 'center' | 'division' | 'station' | 'task_force'
  status: 'active' | 'inactive'
  created_at: string
  updated_at: string
}

/** A dispatcher rule: when its conditions all match, the complaint goes to its unit. */
export interface RoutingRuleTable {
  id: string
  jurisdiction_id: string
  priority: number
  enabled: number
  /** JSON object: problem_type?, category?, area_code_prefix?, channel?, keywords? */
  conditions: string
  unit_id: string
  created_at: string
  updated_at: string
}

/**
 * One row: a token that changes, by trigger, in every transaction that changes what the
 * dispatcher reads from routing rules, handling units or the jurisdiction tree. A process
 * keeps each jurisdiction's rules while the token it read them under is current.
 */
export interface DispatchGenerationTable {
  generation: string
}

/** API clients: OAuth 2.0 client credentials for a regulator, one enterprise or one handling unit. */
export interface ApiClientTable {
  id: string
  name: string
  role: 'regulator' | 'enterprise' | 'witness' | 'unit'
  enterprise_id: string | null
  /** For a unit client: its handling unit. */
  unit_id: string | null
  /**
   * Whose regulators manage it: for a regulator client, also the subtree it sees; for an
   * enterprise's client, where the enterprise is registered; for a witness, the root.
   */
  jurisdiction_id: string
  /** For a witness: its C2SP verifier key (Ed25519 cosignature, type 0x04). */
  witness_key: string | null
  /** JSON array; null means every scope of the role. */
  scopes: string | null
  /** scrypt hash with its parameters and salt; the secret itself is never stored. */
  secret_hash: string
  created_at: string
  revoked_at: string | null
}

/** A sign-in session of the web console; the browser's cookie holds the secret, this row its hash. */
export interface ConsoleSessionTable {
  secret_hash: string
  client_id: string
  created_at: string
  /** The absolute end: sign-in time plus the session lifetime. */
  expires_at: string
  /** Moved forward by each use; the session ends when it passes. */
  idle_expires_at: string
}

/** Ed25519 keys that sign access tokens and audit checkpoints; private halves encrypted at rest. */
export interface SigningKeyTable {
  kid: string
  public_jwk: string
  encrypted_private_jwk: string
  created_at: string
  /** When a newer key takes (or took) over signing; the key stays published. */
  retired_at: string | null
}

/**
 * A consumer dispute. The settlement, outcome and feedback are kept as JSON snapshots on the
 * row (their records live in their own tables) so that reading a dispute, or a page of them,
 * is one single-table query.
 */
export interface DisputeTable {
  id: string
  external_ref: string
  channel: string
  status: 'assigned' | 'in_progress' | 'settled' | 'returned' | 'escalated' | 'closed'
  resolution: string | null
  /** Who handles it: an enterprise or one of the bureau's handling units. */
  assignee_type: 'enterprise' | 'unit'
  /** The enterprise's or the unit's id. */
  assignee_id: string
  /** The enterprise holding it; null while a unit does. */
  enterprise_id: string | null
  /** JSON `{ name, uscc?, address?, area_code? }` as named at intake; null on older rows. */
  respondent: string | null
  /** JSON `{ rule_id?, matched_by, explanation }`: how intake chose the assignee; null on older rows. */
  routing: string | null
  /** The regulator node that received it; one implicit root today. */
  jurisdiction_id: string
  consumer_name: string | null
  consumer_phone: string | null
  /** Keyed hash of the normalised phone (domain/phone-key.ts), for repeat complainants; never returned, null once erased. */
  consumer_phone_key: string | null
  personal_data_erased_at: string | null
  problem_type: string
  category: string | null
  claim: string
  purchase: string | null
  received_at: string
  assigned_at: string
  /** Null while the centre holds the dispute, waiting to dispatch it: no deadline runs. */
  respond_by: string | null
  /** 1 when `respond_by` was counted through a year whose days off were derived, not published. */
  respond_by_provisional: number
  accepted_at: string | null
  settled_at: string | null
  closed_at: string | null
  overdue: number
  deadline_warned_at: string | null
  overdue_notified_at: string | null
  settlement: string | null
  refunded_amount: number
  outcome: string | null
  feedback: string | null
  /** The earliest contact recorded by the enterprise now holding it (for the response rate). */
  first_contact_at: string | null
  /** When an escalation first sent it to administrative mediation (an outcome says so itself). */
  escalated_at: string | null
  /** The callback's answers, as in `feedback` (null without feedback): for the indicators. */
  feedback_satisfaction: string | null
  feedback_resolved: number | null
  /** Closed as settled: milliseconds from the assignment to the closing (for the indicators). */
  handling_ms: number | null
  /** Times a regulator urged (督办) the assignee now holding it, and when last. */
  urge_count: number
  last_urged_at: string | null
  /** When administrative mediation must conclude (working days from the escalation). */
  mediation_due_at: string | null
  /** When the scanner warned of, and reported, the mediation deadline (once each). */
  mediation_warned_at: string | null
  mediation_overdue_at: string | null
  /** Closed as settled or mediated: milliseconds from receipt to closing (for the indicators). */
  resolution_ms: number | null
  /** The consumer's answer to a confirmation request, as in the settlement (null until answered). */
  consumer_decision: 'confirmed' | 'rejected' | null
  consumer_rating: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | null
  version: number
  created_at: string
  updated_at: string
}

/** A session of administrative mediation (行政调解) held by the bureau on an escalated dispute. */
export interface MediationRecordTable {
  id: string
  dispute_id: string
  /** The regulator client, or the handling unit, that recorded it. */
  recorded_by: string
  held_at: string
  method: 'phone' | 'in_person' | 'online'
  /** JSON array of `{ role, name }`. */
  participants: string
  summary: string
  agreement: string | null
  created_at: string
}

export interface SettlementTable {
  id: string
  dispute_id: string
  /** Who recorded it: the enterprise, or the handling unit (`hnu_…`), holding the dispute. */
  enterprise_id: string
  remedy: string
  amount: number | null
  terms: string
  agreed_at: string
  consent_method: string
  consent_reference: string
  created_at: string
  /** JSON `{ decision, rating, comment?, at }` once the consumer answered; null before. */
  consumer_confirmation: string | null
}

/** A one-time link that asks the consumer to confirm or reject a settlement (migration 0017). */
export interface ConfirmationRequestTable {
  id: string
  dispute_id: string
  settlement_id: string
  /** SHA-256 of the link's token (base64url); the token itself is never stored. */
  token_hash: string
  /** SHA-256 over the token and the 6-digit code: the code cannot be checked without the link. */
  code_hash: string
  /** `pending` until answered; `voided` by five wrong codes or by a newer request. */
  status: 'pending' | 'answered' | 'voided'
  failed_attempts: number
  /** The client that asked for it. */
  requested_by: string
  expires_at: string
  created_at: string
  /** When it was answered or voided. */
  ended_at: string | null
}

export interface RefundTable {
  id: string
  dispute_id: string
  /** Who recorded it: the enterprise, or the handling unit (`hnu_…`), holding the dispute. */
  enterprise_id: string
  settlement_id: string
  amount: number
  method: string
  /** As the enterprise sent it. */
  reference: string
  /** `referenceKey(reference)`: what is unique per enterprise. */
  reference_key: string
  refunded_at: string
  created_at: string
}

export interface ContactTable {
  id: string
  dispute_id: string
  /** Who recorded it: the enterprise, or the handling unit (`hnu_…`), holding the dispute. */
  enterprise_id: string
  channel: string
  contacted_at: string
  reached: number
  summary: string
  created_at: string
}

/** What happened to a dispute, in order: one row per audit entry about it. */
export interface TimelineTable {
  leaf_index: number
  dispute_id: string
  action: string
  actor: string
  at: string
  object_id: string
  details: string
}

/** Where webhooks go: an enterprise's endpoint, or a regulator's (`enterprise_id` null) receiving every event. */
export interface WebhookEndpointTable {
  id: string
  enterprise_id: string | null
  /**
   * Whose regulators see it: a regulator's endpoint receives the events of this subtree; an
   * enterprise's endpoint carries where the enterprise is registered.
   */
  jurisdiction_id: string
  url: string
  /** JSON array of event types; `["*"]` for all. */
  event_types: string
  description: string | null
  status: 'enabled' | 'disabled'
  disabled_reason: string | null
  /** The signing secret, sealed with the master key. */
  encrypted_secret: string
  /** After a rotation, the old secret keeps signing beside the new one until it expires. */
  previous_encrypted_secret: string | null
  previous_secret_expires_at: string | null
  created_at: string
  updated_at: string
  /** The first failure since the last success; null while the endpoint works. */
  failing_since: string | null
}

/** One event to one endpoint, written in the event's own transaction. */
export interface WebhookDeliveryTable {
  id: string
  endpoint_id: string
  event_id: string
  event_sequence: number
  status: 'pending' | 'succeeded' | 'failed'
  attempts: number
  next_attempt_at: string | null
  /** While set and in the future, one dispatcher owns the delivery and no other sends it. */
  lease_until: string | null
  created_at: string
  updated_at: string
}

export interface WebhookAttemptTable {
  delivery_id: string
  attempt: number
  started_at: string
  duration_ms: number
  status_code: number | null
  error: string | null
  response_excerpt: string | null
}

/** A risk signal (services/risk-signals/): one per kind, jurisdiction, subject and window. */
export interface RiskSignalTable {
  id: string
  kind:
    | 'rising_volume'
    | 'repeated_problem'
    | 'low_settlement_rate'
    | 'overdue_cluster'
    | 'repeat_complainant'
  /** The disputes' jurisdiction: regulators of it and of its ancestors see the signal. */
  jurisdiction_id: string
  /** The subject as one string, unique with kind, jurisdiction and window (a consumer's is a hash, never the phone key). */
  subject_key: string
  enterprise_id: string | null
  category: string | null
  problem_type: string | null
  window_start: string
  window_end: string
  value: number
  baseline: number | null
  threshold: number
  /** JSON array of the first 20 disputes' ids, oldest first. */
  disputes: string
  explanation: string
  first_raised_at: string
  last_seen_at: string
}

/** An evidence file: its description and hash; the content is in `file_chunks`. */
export interface FileTable {
  id: string
  purpose: 'complaint_material' | 'consent_record' | 'refund_receipt' | 'mediation_record' | 'other'
  /** Null until the intake that cites it binds it to its dispute. */
  dispute_id: string | null
  /** The API client that uploaded it. */
  uploaded_by: string
  filename: string
  content_type: string
  size: number
  /** Lower-case hex SHA-256 of the content, computed while it was stored. */
  sha256: string
  chunks: number
  created_at: string
  /** When erasure deleted the content (the hash stays). */
  erased_at: string | null
}

export interface FileChunkTable {
  file_id: string
  seq: number
  data: Uint8Array
  created_at: string
}

/** A record (or, for intake and outcome, the dispute) that cites a file as evidence. */
export interface EvidenceLinkTable {
  object_id: string
  file_id: string
  dispute_id: string
  /** The file's place in the record's `evidence` list. */
  position: number
}

export interface Schema {
  files: FileTable
  file_chunks: FileChunkTable
  evidence_links: EvidenceLinkTable
  webhook_endpoints: WebhookEndpointTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_attempts: WebhookAttemptTable

  disputes: DisputeTable
  settlements: SettlementTable
  confirmation_requests: ConfirmationRequestTable
  refunds: RefundTable
  contacts: ContactTable
  mediation_records: MediationRecordTable
  timeline_entries: TimelineTable
  jurisdictions: JurisdictionTable
  jurisdiction_closure: JurisdictionClosureTable
  enterprises: EnterpriseTable
  enterprise_names: EnterpriseNameTable
  handling_units: HandlingUnitTable
  routing_rules: RoutingRuleTable
  dispatch_generation: DispatchGenerationTable
  risk_signals: RiskSignalTable
  api_clients: ApiClientTable
  console_sessions: ConsoleSessionTable
  signing_keys: SigningKeyTable
  idempotency_keys: IdempotencyKeyTable
  events: EventTable
  audit_entries: AuditEntryTable
  audit_nodes: AuditNodeTable
  audit_salts: AuditSaltTable
  audit_checkpoints: AuditCheckpointTable
  audit_cosignatures: AuditCosignatureTable
}
