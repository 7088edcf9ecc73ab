/**
 * A checkpoint's JWS checked with WebCrypto's Ed25519 rather than jose, to the same rule as
 * the SDK's Node.js check (audit/checkpoint.ts): compact JWS, `alg` EdDSA and nothing else,
 * `typ` audit-checkpoint+jwt, the key found by `kid`, and a payload that is exactly the
 * checkpoint's four other fields.
 */
import { CHECKPOINT_TYPE, payloadMismatch, type SignedCheckpoint } from '../audit/checkpoint-format.js'
import { decodeBase64Url, subtle } from './crypto.js'

/** A public key as a JWKS lists it (the log's keys are OKP / Ed25519). */
export interface PublicJwk {
  kty?: string
  crv?: string
  x?: string
  kid?: string
  alg?: string
  use?: string
  [parameter: string]: unknown
}

export interface CheckpointSignatureCheck {
  ok: boolean
  /** The key id in the JWS header. */
  kid?: string
  /** The key that verified the signature, to pin for later checks. */
  key?: PublicJwk
  message: string
}

const utf8 = new TextDecoder()
const ascii = new TextEncoder()

/** Checks the checkpoint's signature with the key of the JWKS that its `kid` names. */
export async function verifyCheckpointSignature(
  checkpoint: SignedCheckpoint,
  jwks: { keys: readonly PublicJwk[] },
): Promise<CheckpointSignatureCheck> {
  const parts = typeof checkpoint.signature === 'string' ? checkpoint.signature.split('.') : []
  const header = parts.length === 3 ? readJson(parts[0] ?? '') : undefined
  if (!header) return { ok: false, message: 'the signature is not a compact JWS' }
  const kid = typeof header.kid === 'string' ? header.kid : undefined
  const named = kid ? { kid } : {}
  const key = jwks.keys.find((candidate) => candidate.kid === kid)
  if (!key) return { ok: false, ...named, message: `no known key has the key id ${kid ?? '(none)'}` }
  const failed = (reason: string) => ({
    ok: false,
    ...named,
    key,
    message: `the signature does not verify with key ${kid}: ${reason}`,
  })
  // Pinned before any crypto, so that no header can choose a weaker algorithm or another meaning.
  if (header.alg !== 'EdDSA') return failed(`the algorithm is ${JSON.stringify(header.alg)}, not EdDSA`)
  if (header.typ !== CHECKPOINT_TYPE)
    return failed(`the typ is ${JSON.stringify(header.typ)}, not ${CHECKPOINT_TYPE}`)
  if (header.crit !== undefined)
    return failed('the header has critical extensions this verifier does not know')
  if (key.kty !== 'OKP' || key.crv !== 'Ed25519' || typeof key.x !== 'string') {
    return failed('the key is not an Ed25519 public key')
  }
  if (key.alg !== undefined && key.alg !== 'EdDSA' && key.alg !== 'Ed25519') {
    return failed(`the key is for ${key.alg}, not EdDSA`)
  }
  const signature = decodeBase64Url(parts[2] ?? '')
  if (!signature) return failed('the signature part is not base64url')
  let verified: boolean
  try {
    const publicKey = await subtle().importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', x: key.x },
      { name: 'Ed25519' },
      false,
      ['verify'],
    )
    verified = await subtle().verify('Ed25519', publicKey, signature, ascii.encode(`${parts[0]}.${parts[1]}`))
  } catch (error) {
    return failed((error as Error).message)
  }
  if (!verified) return failed('signature verification failed')
  const payload = readJson(parts[1] ?? '')
  if (!payload) return failed('the payload is not a JSON object')
  const mismatch = payloadMismatch(payload, checkpoint)
  if (mismatch) return { ok: false, ...named, key, message: mismatch }
  return { ok: true, ...named, key, message: `signed by key ${kid}` }
}

/** A base64url JSON object of a JWS part, or undefined. */
function readJson(part: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64Url(part)
  if (!bytes) return undefined
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
