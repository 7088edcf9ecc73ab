/**
 * Signed checkpoints of the audit log: checking their signature, and the file a verified
 * checkpoint is kept in so that a later verification can start from it.
 */
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, type JWK, jwtVerify } from 'jose'
import {
  CHECKPOINT_TYPE,
  checkpointFieldsProblem,
  payloadMismatch,
  type SignedCheckpoint,
} from './checkpoint-format.js'

export { CHECKPOINT_TYPE, type SignedCheckpoint } from './checkpoint-format.js'
/** The `format` of a saved checkpoint file. */
export const SAVED_CHECKPOINT_FORMAT = 'hejie-audit-checkpoint/1'

/**
 * A checkpoint the verifier already trusts: one it verified earlier (what
 * `hejie audit verify --save-checkpoint` writes), or one obtained from the log by other means.
 * `key` is the public key that verified its signature, pinned with it.
 */
export interface TrustedCheckpoint extends SignedCheckpoint {
  key?: JWK
}

/** A checkpoint as saved to a file: the signed fields, the key that verified them, and when. */
export interface SavedCheckpoint extends TrustedCheckpoint {
  format: typeof SAVED_CHECKPOINT_FORMAT
  verified_at: string
}

/** Raised when a checkpoint or a saved checkpoint file is not what it must be. */
export class CheckpointError extends Error {
  override name = 'CheckpointError'
}

export interface SignatureCheck {
  ok: boolean
  /** The key id in the JWS header. */
  kid?: string
  /** The public key that verified the signature. */
  key?: JWK
  /** Whether that key was pinned by the verifier (trusted keys, or the trusted checkpoint's key) rather than taken from the bundle. */
  pinned: boolean
  message: string
}

/**
 * Checks the JWS of a checkpoint: EdDSA, `typ: audit-checkpoint+jwt`, and a payload that is
 * exactly the checkpoint's four other fields. The key comes from `pinned` when one there has
 * the JWS's key id, else from `published`.
 */
export async function checkSignature(
  checkpoint: SignedCheckpoint,
  keys: { pinned?: readonly JWK[]; published?: readonly JWK[] },
): Promise<SignatureCheck> {
  let kid: string | undefined
  try {
    kid = decodeProtectedHeader(checkpoint.signature).kid
  } catch {
    return { ok: false, pinned: false, message: 'the signature is not a compact JWS' }
  }
  const pinnedKey = keys.pinned?.find((key) => key.kid === kid)
  const key = pinnedKey ?? keys.published?.find((key) => key.kid === kid)
  const pinned = pinnedKey !== undefined
  const named = kid ? { kid } : {}
  if (!key) {
    return {
      ok: false,
      ...named,
      pinned,
      message: `no ${keys.pinned && !keys.published ? 'trusted' : 'known'} key has the key id ${kid ?? '(none)'}`,
    }
  }
  try {
    const { payload } = await jwtVerify(
      checkpoint.signature,
      createLocalJWKSet({ keys: [key] } as JSONWebKeySet),
      {
        algorithms: ['EdDSA'],
        typ: CHECKPOINT_TYPE,
      },
    )
    const mismatch = payloadMismatch(payload, checkpoint)
    if (mismatch) return { ok: false, ...named, key, pinned, message: mismatch }
    return { ok: true, ...named, key, pinned, message: `signed by key ${kid}${pinned ? ' (pinned)' : ''}` }
  } catch (error) {
    return {
      ok: false,
      ...named,
      key,
      pinned,
      message: `the signature does not verify with key ${kid}: ${(error as Error).message}`,
    }
  }
}

/**
 * Reads a trusted checkpoint from parsed JSON: a saved checkpoint file, or a checkpoint as
 * `GET /v1/audit/checkpoint` returns it. Throws CheckpointError naming what is wrong.
 */
export function readTrustedCheckpoint(value: unknown): TrustedCheckpoint {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CheckpointError('a checkpoint is a JSON object')
  }
  const record = value as Record<string, unknown>
  const problem = checkpointFieldsProblem(record, (text) => Buffer.from(text, 'base64'))
  if (problem) throw new CheckpointError(problem)
  const { origin, tree_size, root_hash, timestamp, signature, key } = record as unknown as TrustedCheckpoint
  if (key !== undefined && (typeof key !== 'object' || key === null)) {
    throw new CheckpointError('the key saved with the checkpoint is not a JWK')
  }
  return { origin, tree_size, root_hash, timestamp, signature, ...(key ? { key: key as JWK } : {}) }
}

/** What to save of a checkpoint whose signature `check` verified. */
export function savedCheckpoint(checkpoint: SignedCheckpoint, check: SignatureCheck): SavedCheckpoint {
  if (!check.ok || !check.key)
    throw new CheckpointError('only a checkpoint whose signature verified is saved')
  const { origin, tree_size, root_hash, timestamp, signature } = checkpoint
  return {
    format: SAVED_CHECKPOINT_FORMAT,
    origin,
    tree_size,
    root_hash,
    timestamp,
    signature,
    key: check.key,
    verified_at: new Date().toISOString(),
  }
}
