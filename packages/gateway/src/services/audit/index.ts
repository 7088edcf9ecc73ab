/**
 * The audit log: an append-only RFC 6962 Merkle log of every write, its signed checkpoints,
 * its proofs, and its export for offline verification. Everything else reaches it through
 * this face; the tree's arithmetic is `@hejie/merkle`.
 */
export {
  type AppendedEntry,
  type AuditContext,
  type AuditEntryActor,
  type AuditRecord,
  appendAuditEntries,
  auditEntry,
  commitToPersonalData,
  type EvidenceDigest,
  entryActor,
} from './append.js'
export {
  type Checkpoint,
  type CheckpointKeys,
  currentCheckpoint,
  latestCheckpoint,
} from './checkpoints.js'
export { exportBundle, listEntries, proveConsistency, proveInclusion } from './log-reader.js'
export { nodeSha256 } from './merkle.js'
export { checkpointText, cosignedNote, noteKeys, witnessedCheckpoint } from './notes.js'
export { storedNodes, treeSize } from './stored-nodes.js'
export { visibleEntries } from './visibility.js'
