/**
 * `@hejie/sdk/web-audit`: the audit log verified in a browser, with WebCrypto (Ed25519,
 * SHA-256) and `@hejie/merkle`. It imports no Node.js built-in and no JOSE library, so a
 * bundler for the browser takes it as it is; test/web-audit-bundle.test.ts holds it to that.
 *
 * Verify the checkpoint's signature first; entries, timeline lines and proofs are then
 * checked against that checkpoint.
 */
export type {
  AuditBundleProgress,
  EntryFailure,
  EntryProblem,
  TrustedCheckpointCheck,
  TrustedStatus,
} from '../audit/bundle-format.js'
export { AUDIT_BUNDLE_FORMAT, AuditBundleError } from '../audit/bundle-format.js'
export { CHECKPOINT_TYPE, type SignedCheckpoint } from '../audit/checkpoint-format.js'
export type { AuditEntry, InclusionProof, TimelineEntry } from '../models.js'
export { type VerifyWebAuditBundleOptions, verifyAuditBundle, type WebAuditBundleReport } from './bundle.js'
export { type CheckpointSignatureCheck, type PublicJwk, verifyCheckpointSignature } from './checkpoint.js'
export { webMerkle, webSha256 } from './crypto.js'
export { type AuditEntryCheck, type AuditEntryProof, verifyAuditEntry } from './entry.js'
export type { WebBundleSource } from './source.js'
export { type TimelineEntryProof, verifyTimelineEntry } from './timeline.js'
