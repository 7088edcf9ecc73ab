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
  enterprise_id: string | null
  dispute_id: string | null
  created_at: string
  data: string
}

/** Leaves of the append-only Merkle log: the canonical bytes exactly as hashed. */
export interface AuditEntryTable {
  leaf_index: number
  leaf_hash: Uint8Array
  canonical: Uint8Array
  dispute_id: string | null
  enterprise_id: string | null
  created_at: string
}

/** Hashes of complete subtrees (2^level leaves starting at position × 2^level), so roots and proofs cost O(log n) reads. */
export interface AuditNodeTable {
  level: number
  position: number
  hash: Uint8Array
}

/** Signed tree heads; the primary key makes a second root for one size impossible. */
export interface AuditCheckpointTable {
  tree_size: number
  root_hash: Uint8Array
  timestamp: string
  signature: string
}

export interface Schema {
  idempotency_keys: IdempotencyKeyTable
  events: EventTable
  audit_entries: AuditEntryTable
  audit_nodes: AuditNodeTable
  audit_checkpoints: AuditCheckpointTable
}
