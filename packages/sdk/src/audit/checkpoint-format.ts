/**
 * What a signed checkpoint is, apart from any crypto library: its fields, the `typ` of its
 * JWS and which fields the JWS payload must repeat. Shared by the Node.js check (jose, in
 * checkpoint.ts) and the browser one (WebCrypto, in web-audit), so that both hold a
 * checkpoint to the same rule.
 */

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
