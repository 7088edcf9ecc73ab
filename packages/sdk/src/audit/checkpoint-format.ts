/**
 * What a signed checkpoint is, apart from any crypto library: its fields, the `typ` of its
 * JWS and which fields the JWS payload must repeat. Shared by the Node.js check (jose, in
 * checkpoint.ts) and the browser one (WebCrypto, in web-audit), so that both hold a
 * checkpoint to the same rule.
 */
import { fromBase64, HASH_LENGTH } from '@hejie/merkle'

/** The `typ` of a checkpoint's JWS. */
export const CHECKPOINT_TYPE = 'audit-checkpoint+jwt'

/** A signed tree head, as `GET /v1/audit/checkpoint` and the export bundle carry it. */
export interface SignedCheckpoint {
  origin: string
  tree_size: number
  /** SHA-256, base64. */
  root_hash: string
  timestamp: string
  /** Compact JWS (EdDSA, `typ: audit-checkpoint+jwt`) over the other four fields. */
  signature: string
}

/** The fields the JWS payload signs, each equal to the checkpoint's own. */
export const SIGNED_FIELDS = ['origin', 'tree_size', 'root_hash', 'timestamp'] as const

/**
 * Undefined when a verified payload signs exactly what the checkpoint shows, else why not:
 * a valid signature over other values proves nothing about these.
 */
export function payloadMismatch(
  payload: Record<string, unknown>,
  checkpoint: SignedCheckpoint,
): string | undefined {
  const differing = SIGNED_FIELDS.filter((field) => payload[field] !== checkpoint[field])
  if (differing.length === 0) return undefined
  return `the signature is valid but signs another ${differing.join(', ')} than the checkpoint shows`
}

/**
 * Undefined when the record has the five fields of a signed checkpoint, else what is
 * missing. `decode` reads base64 (strict standard base64 unless given).
 */
export function checkpointFieldsProblem(
  record: Record<string, unknown>,
  decode: (text: string) => Uint8Array = fromBase64,
): string | undefined {
  const { origin, tree_size, root_hash, timestamp, signature } = record
  if (typeof origin !== 'string') return 'the checkpoint has no origin'
  if (typeof tree_size !== 'number' || !Number.isSafeInteger(tree_size) || tree_size < 0) {
    return 'the checkpoint has no tree_size (a whole number)'
  }
  if (typeof root_hash !== 'string' || decodedLength(root_hash, decode) !== HASH_LENGTH) {
    return 'the checkpoint has no root_hash (a base64 SHA-256 hash)'
  }
  if (typeof timestamp !== 'string') return 'the checkpoint has no timestamp'
  if (typeof signature !== 'string') return 'the checkpoint has no signature'
  return undefined
}

function decodedLength(text: string, decode: (text: string) => Uint8Array): number {
  try {
    return decode(text).length
  } catch {
    return -1
  }
}
