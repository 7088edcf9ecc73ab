/**
 * The export bundle's format, apart from how it is read and hashed: its line types, the
 * manifest, the consistency line, the naming of entries in failures, and the report's
 * vocabulary. Shared by the Node.js verifier (bundle.ts) and the browser one (web-audit).
 */
import { fromBase64, HASH_LENGTH } from '@hejie/merkle'
import type { SignedCheckpoint } from './checkpoint-format.js'

/** The `format` of the bundles this verifier reads. */
export const AUDIT_BUNDLE_FORMAT = 'hejie-audit-export/1'

/** Raised when the source cannot be read as an audit bundle at all. */
export class AuditBundleError extends Error {
  override name = 'AuditBundleError'
}

export interface AuditBundleProgress {
  bytesRead: number
  /** The size of the bundle, when it is a file. */
  totalBytes?: number
  entries: number
  /** How many entries the manifest's range holds, when the bundle is not filtered. */
  expectedEntries?: number
}

export type EntryProblem = 'leaf_hash' | 'inclusion' | 'index' | 'missing' | 'order' | 'malformed'

/** An entry that did not verify, named as precisely as the bundle allows. */
export interface EntryFailure {
  /** The leaf index. */
  index: number
  problems: EntryProblem[]
  message: string
  /** From the entry's own bytes, when they parse. */
  disputeId?: string
  objectId?: string
  action?: string
  at?: string
}

/**
 * How the bundle's checkpoint relates to the trusted one: `consistent` (it extends it),
 * `same` (equal), `fork` (same size, another root), `inconsistent` (a proof shows it does not
 * extend it: history was rewritten), `shrunk` (it is smaller: entries were lost, or the bundle
 * is older), `other_log` (another origin), `untrusted` (the trusted checkpoint's own signature
 * fails), `unproven` (the bundle carries nothing that proves either way).
 */
export type TrustedStatus =
  | 'consistent'
  | 'same'
  | 'fork'
  | 'inconsistent'
  | 'shrunk'
  | 'other_log'
  | 'untrusted'
  | 'unproven'

export interface TrustedCheckpointCheck {
  ok: boolean
  status: TrustedStatus
  /** How consistency was shown: by the bundle's consistency proof, or from its entries. */
  method?: 'consistency_proof' | 'entries' | 'same_size'
  treeSize: number
  rootHash: string
  message: string
}

export interface Manifest {
  origin: string
  from: number
  to: number
  enterpriseId: string | null
  jurisdictionId: string | null
}

export interface ConsistencyLine {
  first: number
  second: number
  hashes: Uint8Array[]
}

const utf8 = new TextDecoder()

/**
 * What is wrong with a bundle's header (its manifest, checkpoint and keys) before any entry
 * is read; an empty list when nothing is. `hasKeys`: the bundle carries a JWKS, or the
 * verifier was given keys.
 */
export function headerProblems(
  manifest: Manifest,
  checkpoint: Pick<SignedCheckpoint, 'origin' | 'tree_size'> | undefined,
  hasKeys: boolean,
): string[] {
  if (!checkpoint) return ['the bundle has no checkpoint before its entries: no proof can be checked']
  const problems: string[] = []
  if (checkpoint.origin !== manifest.origin)
    problems.push(`the manifest is of log "${manifest.origin}", the checkpoint of "${checkpoint.origin}"`)
  if (manifest.to > checkpoint.tree_size)
    problems.push(
      `the manifest's range ends at ${manifest.to}, past the checkpoint's tree size ${checkpoint.tree_size}`,
    )
  if (!hasKeys) problems.push('the bundle has no JWKS to check the checkpoint signature with')
  return problems
}

/** The manifest line (line 1); throws AuditBundleError when the source is not a bundle this verifier reads. */
export function readManifest(line: unknown, number: number): Manifest {
  const record = (typeof line === 'object' && line !== null ? line : {}) as Record<string, unknown>
  if (number !== 1 || record.type !== 'manifest') {
    throw new AuditBundleError('this is not a Hejie audit bundle: its first line is not a manifest')
  }
  if (record.format !== AUDIT_BUNDLE_FORMAT) {
    throw new AuditBundleError(
      `the bundle's format is ${JSON.stringify(record.format)}; this verifier reads ${AUDIT_BUNDLE_FORMAT}`,
    )
  }
  const { origin, from, to, enterprise_id, jurisdiction_id = null } = record
  const count = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0
  if (typeof origin !== 'string' || !count(from) || !count(to) || (from as number) > (to as number)) {
    throw new AuditBundleError('the manifest lacks its origin or a range from ≤ to')
  }
  if (enterprise_id !== null && typeof enterprise_id !== 'string') {
    throw new AuditBundleError('the manifest has no enterprise_id (null when not filtered)')
  }
  // Bundles made before jurisdictions have no jurisdiction_id: the whole log, as null says.
  if (jurisdiction_id !== null && typeof jurisdiction_id !== 'string') {
    throw new AuditBundleError(
      'the manifest has a jurisdiction_id that is not a string (null for the whole log)',
    )
  }
  return {
    origin,
    from: from as number,
    to: to as number,
    enterpriseId: enterprise_id,
    jurisdictionId: jurisdiction_id,
  }
}

/** The consistency line's sizes and hashes; undefined when it is not one. `decode` is strict standard base64 unless given. */
export function readConsistency(
  record: Record<string, unknown>,
  decode: (text: string) => Uint8Array = fromBase64,
): ConsistencyLine | undefined {
  const { first, second, hashes } = record
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || !Array.isArray(hashes))
    return undefined
  const decoded = hashes.map((hash) => {
    try {
      return typeof hash === 'string' ? decode(hash) : new Uint8Array()
    } catch {
      return new Uint8Array()
    }
  })
  if (decoded.some((hash) => hash.length !== HASH_LENGTH)) return undefined
  return { first: first as number, second: second as number, hashes: decoded }
}

/** An entry's stored bytes parsed, when they are a JSON object. */
export function parseEntry(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(utf8.decode(bytes))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

/** What names an entry in a failure, from its parsed bytes. */
export function nameOf(
  entry: Record<string, unknown>,
): Pick<EntryFailure, 'disputeId' | 'objectId' | 'action' | 'at'> {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  const named = {
    disputeId: text(entry.dispute_id),
    objectId: text(entry.object_id),
    action: text(entry.action),
    at: text(entry.at),
  }
  return Object.fromEntries(Object.entries(named).filter(([, value]) => value !== undefined))
}
