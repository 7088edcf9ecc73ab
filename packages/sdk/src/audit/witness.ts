/**
 * Witnessed checkpoints: the audit log's checkpoints as C2SP signed notes
 * (c2sp.org/tlog-checkpoint), and the Ed25519 cosignatures of witnesses
 * (c2sp.org/tlog-cosignature). A witness cosigns a checkpoint only once it has checked that
 * the checkpoint extends every checkpoint it cosigned before; a verifier that requires
 * cosignatures from witnesses it trusts knows it was shown the history those witnesses saw.
 *
 * The text formats come from `@hejie/merkle`; the keys and signatures here are Node.js's
 * Ed25519 (`node:crypto`).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto'
import {
  type CheckpointText,
  COSIGNATURE_V1,
  cosignedMessage,
  ED25519,
  formatCheckpointText,
  formatSignatureLine,
  formatVerifierKey,
  type NoteSignature,
  noteKeyId,
  parseCheckpointText,
  parseSignedNote,
  parseTimestampedSignature,
  parseVerifierKey,
  timestampedSignature,
  type VerifierKey,
} from '@hejie/merkle'
import type { JWK } from 'jose'
import { sha256 } from './merkle.js'

/** How a witness's private key file begins: `PRIVATE+KEY+<name>+<key id>+base64(0x04 ‖ seed)`. */
export const WITNESS_PRIVATE_KEY_PREFIX = 'PRIVATE+KEY+'

/** Raised when a text is not a usable key: a witness's private key, or a verifier key of the wrong kind. */
export class WitnessKeyError extends Error {
  override name = 'WitnessKeyError'
}

/** Raised when a checkpoint note is malformed, or not signed by any of the log's keys. */
export class NoteVerificationError extends Error {
  override name = 'NoteVerificationError'
}

/** A new witness key: the private key file's one line, and the verifier key to register with the gateway. */
export interface WitnessKeyPair {
  /** `PRIVATE+KEY+<name>+<8 hex key id>+base64(0x04 ‖ 32-byte Ed25519 seed)`: keep it secret. */
  privateKey: string
  /** `<name>+<8 hex key id>+base64(0x04 ‖ 32-byte Ed25519 public key)`: give it to the gateway's operator. */
  verifierKey: string
}

/** A witness's signing key, read from its private key text. */
export interface WitnessKey {
  /** The key name: the name every cosignature line carries (e.g. `auditor.example/w1`). */
  name: string
  /** The 32-bit key id, as 8 lowercase hex digits. */
  keyId: string
  /** The verifier key that checks this key's cosignatures. */
  verifierKey: string
  /**
   * The cosignature line (`— <name> base64(key id ‖ timestamp ‖ signature)`, no newline) of
   * the checkpoint in `note` at `timestamp` (POSIX seconds). `note` is the checkpoint as a
   * signed note, as the log gives it; only its text (origin, size, root) is signed. Verify
   * the note, and its consistency with what you cosigned before, first: this only signs.
   */
  cosign(note: string, timestamp: number): string
}

/** A checkpoint note whose signature verified with one of the log's keys. */
export interface VerifiedCheckpointNote extends CheckpointText {
  /** The signed text: origin, tree size and root hash lines. */
  text: string
  /** The log key whose signature verified. */
  verifierKey: string
  keyId: string
}

/** What became of one witness a verifier requires. */
export interface WitnessVerdict {
  /** The witness's key name. */
  name: string
  keyId: string
  verifierKey: string
  /** When it cosigned (POSIX seconds), for a verified cosignature or one that failed. */
  timestamp?: number
  /** Why its cosignature failed. */
  reason?: string
}

/** Which of the required witnesses cosigned a checkpoint, and whether enough did. */
export interface CosignatureCheck {
  /** At least `threshold` of the required witnesses have a cosignature that verifies. */
  ok: boolean
  threshold: number
  verified: WitnessVerdict[]
  /** Required witnesses with no cosignature line at all. */
  missing: WitnessVerdict[]
  /** Required witnesses whose cosignature lines do not verify over this checkpoint. */
  failed: WitnessVerdict[]
}

/** A checkpoint as `GET /v1/audit/checkpoint` and the export bundle's checkpoint line carry it. */
export interface WitnessedCheckpoint {
  origin: string
  tree_size: number
  root_hash: string
  /** The checkpoint as a signed note; absent from gateways without witnessing. */
  note?: string | undefined
  cosignatures?: readonly { witness?: string; timestamp?: number; line: string }[] | undefined
}

export interface WitnessPolicy {
  /** The log's checkpoint keys: C2SP verifier keys, or JWKs (Ed25519; the note key is the JWK's `x`). */
  logKeys: readonly (string | JWK)[]
  /** The verifier keys (type 0x04) of the witnesses required. */
  witnesses: readonly string[]
  /** How many of them must have cosigned; default all of them. */
  threshold?: number | undefined
}

/** The check of a witnessed checkpoint: its note, then its cosignatures. */
export interface WitnessedCheckpointCheck extends CosignatureCheck {
  note: { ok: boolean; message: string; keyId?: string; kid?: string }
  message: string
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/**
 * Makes a new Ed25519 witness key named `name` (a key name has no spaces and no `+`; by
 * convention a host name and a path, e.g. `auditor.example/w1`). The private key is in the
 * format of Go's golang.org/x/mod/sumdb/note, with the cosignature type 0x04: one line,
 * `PRIVATE+KEY+<name>+<key id>+base64(0x04 ‖ 32-byte seed)`.
 */
export function generateWitnessKey(name: string): WitnessKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url')
  const raw = rawPublicKey(publicKey)
  const verifierKey = keyFormat(() => formatVerifierKey(sha256, name, COSIGNATURE_V1, raw))
  const keyId = hex32(noteKeyId(sha256, name, COSIGNATURE_V1, raw))
  const material = Buffer.concat([Uint8Array.of(COSIGNATURE_V1), seed]).toString('base64')
  return { privateKey: `${WITNESS_PRIVATE_KEY_PREFIX}${name}+${keyId}+${material}`, verifierKey }
}

/** Reads a witness's private key text (what `generateWitnessKey` made); throws WitnessKeyError if it is not one. */
export function readWitnessKey(text: string): WitnessKey {
  const line = text.trim()
  if (!line.startsWith(WITNESS_PRIVATE_KEY_PREFIX)) {
    throw new WitnessKeyError(`a witness private key begins with ${WITNESS_PRIVATE_KEY_PREFIX}`)
  }
  const rest = line.slice(WITNESS_PRIVATE_KEY_PREFIX.length)
  // As in a verifier key, only the first two "+" separate the parts: base64 may hold more.
  const first = rest.indexOf('+')
  const second = rest.indexOf('+', first + 1)
  if (first <= 0 || second < 0) {
    throw new WitnessKeyError('a witness private key is PRIVATE+KEY+<name>+<key id>+<base64 key>')
  }
  const name = rest.slice(0, first)
  const idHex = rest.slice(first + 1, second)
  const material = Buffer.from(rest.slice(second + 1), 'base64')
  if (material.length !== 33 || material[0] !== COSIGNATURE_V1) {
    throw new WitnessKeyError(
      'a witness private key holds the type 0x04 (Ed25519 cosignature) and a 32-byte Ed25519 seed',
    )
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, material.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  })
  const raw = rawPublicKey(createPublicKey(privateKey))
  const verifierKey = keyFormat(() => formatVerifierKey(sha256, name, COSIGNATURE_V1, raw))
  const keyId = hex32(noteKeyId(sha256, name, COSIGNATURE_V1, raw))
  if (keyId !== idHex) {
    throw new WitnessKeyError(`the key id ${idHex} of the private key does not match its name and key`)
  }
  return {
    name,
    keyId,
    verifierKey,
    cosign(note, timestamp) {
      if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
        throw new RangeError('a cosignature timestamp is a whole number of seconds since 1970')
      }
      const { text } = readNote(note)
      const signature = sign(null, cosignedMessage(timestamp, text), privateKey)
      return formatSignatureLine({
        name,
        keyId: Number.parseInt(keyId, 16),
        signature: timestampedSignature(timestamp, signature),
      }).trimEnd()
    },
  }
}

/**
 * The C2SP verifier key of a checkpoint key given as a JWK (from the JWKS, or an export
 * bundle's): the log's notes are signed by the same Ed25519 key as its JWS, under the
 * log's origin as key name.
 */
export function noteVerifierKey(jwk: JWK, origin: string): string {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new WitnessKeyError(`the key ${jwk.kid ?? '(no kid)'} is not an Ed25519 public key`)
  }
  const raw = Buffer.from(jwk.x, 'base64url')
  if (raw.length !== 32) throw new WitnessKeyError(`the key ${jwk.kid ?? '(no kid)'} is not 32 bytes`)
  return keyFormat(() => formatVerifierKey(sha256, origin, ED25519, raw))
}

/**
 * Verifies a checkpoint note with the log's keys (C2SP verifier keys, type 0x01, named after
 * the log's origin): the note must parse as a checkpoint and carry a signature by one of them
 * that verifies. A signature line of one of these keys that does not verify fails the note;
 * lines of other keys (witnesses' cosignatures) are ignored. Throws NoteVerificationError.
 */
export function verifyCheckpointNote(note: string, logKeys: readonly string[]): VerifiedCheckpointNote {
  const { text, checkpoint, signatures } = readNote(note)
  const keys = logKeys.map((vkey) => {
    const key = readVerifierKey(vkey)
    if (key.type !== ED25519) {
      throw new WitnessKeyError(`${vkey} is not a note signing key (type 0x01)`)
    }
    return { vkey: vkey.trim(), key }
  })
  const candidates = keys.filter(({ key }) => key.name === checkpoint.origin)
  if (candidates.length === 0) {
    throw new NoteVerificationError(
      `none of the log keys is named ${checkpoint.origin}, the checkpoint's origin (they are named ${[...new Set(keys.map(({ key }) => key.name))].join(', ') || 'nothing: no keys were given'})`,
    )
  }
  for (const signature of signatures) {
    const match = candidates.find(({ key }) => key.name === signature.name && key.keyId === signature.keyId)
    if (!match) continue
    if (!verify(null, Buffer.from(text), publicKeyOf(match.key), signature.signature)) {
      throw new NoteVerificationError(
        `the signature of log key ${match.key.name}+${hex32(match.key.keyId)} does not verify over the checkpoint of size ${checkpoint.treeSize}`,
      )
    }
    return { ...checkpoint, text, verifierKey: match.vkey, keyId: hex32(match.key.keyId) }
  }
  throw new NoteVerificationError(
    `the checkpoint of size ${checkpoint.treeSize} is signed by none of the log's keys (key ids ${candidates.map(({ key }) => hex32(key.keyId)).join(', ')}; the note is signed by ${signatures.map((s) => `${s.name} ${hex32(s.keyId)}`).join(', ') || 'nobody'})`,
  )
}

/**
 * Reads a checkpoint note without verifying it: its checkpoint (origin, size, root) and who
 * signed it, for showing and keeping a note that did not verify. Throws NoteVerificationError
 * for a text that is not a checkpoint note.
 */
export function parseCheckpointNote(note: string): CheckpointText & {
  text: string
  signatures: { name: string; keyId: string }[]
} {
  const { text, checkpoint, signatures } = readNote(note)
  return {
    ...checkpoint,
    text,
    signatures: signatures.map((signature) => ({ name: signature.name, keyId: hex32(signature.keyId) })),
  }
}

/**
 * Checks the cosignature lines of a note against the witnesses' verifier keys (type 0x04):
 * a witness counts when one of its lines verifies over the note's text. `ok` when at least
 * `threshold` (default: all) of the distinct witnesses do. The log's own signature is not
 * checked here: verify it with verifyCheckpointNote. Throws NoteVerificationError for a note
 * that does not parse, WitnessKeyError for a key that is not a witness's.
 */
export function verifyCosignatures(
  note: string,
  witnessKeys: readonly string[],
  options: { threshold?: number | undefined } = {},
): CosignatureCheck {
  const { text, signatures } = readNote(note)
  return checkCosignatures(text, signatures, witnessKeys, options.threshold)
}

/** The note with cosignature lines (as a checkpoint's `cosignatures` carry them) after its own signatures. */
export function withCosignatures(note: string, cosignatures: readonly { line: string }[]): string {
  return note + cosignatures.map(({ line }) => `${line.trim()}\n`).join('')
}

/**
 * Checks a checkpoint as the API or an export bundle gives it against a trust policy: its
 * `note` must be this checkpoint (same origin, size and root) signed by one of the log's keys,
 * and at least `threshold` of the required witnesses must have a cosignature in
 * `cosignatures` that verifies over it. Never throws for what the checkpoint holds; the
 * verdict says what failed. Throws WitnessKeyError for a policy key that is not usable.
 */
export function verifyWitnessedCheckpoint(
  checkpoint: WitnessedCheckpoint,
  policy: WitnessPolicy,
): WitnessedCheckpointCheck {
  const text = formatCheckpointText({
    origin: checkpoint.origin,
    treeSize: checkpoint.tree_size,
    rootHash: checkpoint.root_hash,
    extensions: [],
  })
  const kids = new Map<string, string>()
  const logKeys = policy.logKeys.flatMap((key) => {
    if (typeof key === 'string') return [key]
    if (key.kty !== 'OKP' || key.crv !== 'Ed25519') return []
    const vkey = noteVerifierKey(key, checkpoint.origin)
    if (key.kid) kids.set(vkey, key.kid)
    return [vkey]
  })
  let note: WitnessedCheckpointCheck['note']
  if (typeof checkpoint.note !== 'string' || checkpoint.note === '') {
    note = {
      ok: false,
      message: 'the checkpoint carries no signed note: it was exported or served without witnessing',
    }
  } else {
    try {
      const verified = verifyCheckpointNote(checkpoint.note, logKeys)
      const kid = kids.get(verified.verifierKey)
      note =
        verified.text === text
          ? {
              ok: true,
              message: `the signed note is this checkpoint, signed by ${kid ? `key ${kid}` : `log key ${verified.keyId}`}`,
              keyId: verified.keyId,
              ...(kid ? { kid } : {}),
            }
          : {
              ok: false,
              message: `the signed note is of another checkpoint (size ${verified.treeSize}, root ${verified.rootHash}) than this one (size ${checkpoint.tree_size}, root ${checkpoint.root_hash})`,
            }
    } catch (error) {
      if (!(error instanceof NoteVerificationError)) throw error
      note = { ok: false, message: `the signed note does not verify: ${error.message}` }
    }
  }
  const lines: NoteSignature[] = []
  const unreadable: string[] = []
  for (const cosignature of checkpoint.cosignatures ?? []) {
    try {
      lines.push(...readNote(`${text}\n${String(cosignature.line).trim()}\n`).signatures)
    } catch {
      unreadable.push(String(cosignature.witness ?? '?'))
    }
  }
  const cosigned = checkCosignatures(text, lines, policy.witnesses, policy.threshold)
  for (const verdict of cosigned.missing) {
    if (unreadable.includes(verdict.name)) verdict.reason = 'its cosignature line is not a note signature'
  }
  const named = (verdicts: WitnessVerdict[]) => verdicts.map((verdict) => verdict.name).join(', ')
  const required = cosigned.verified.length + cosigned.missing.length + cosigned.failed.length
  const count = `${cosigned.verified.length} of ${required} required witnesses cosigned, ${cosigned.threshold} needed`
  const problems = [
    note.ok ? undefined : note.message,
    cosigned.missing.length > 0 ? `no cosignature from ${named(cosigned.missing)}` : undefined,
    ...cosigned.failed.map((verdict) => `${verdict.name}: ${verdict.reason}`),
  ].filter((problem): problem is string => problem !== undefined)
  const ok = note.ok && cosigned.ok
  return {
    ...cosigned,
    ok,
    note,
    message:
      ok && problems.length === 0
        ? `${count} (${named(cosigned.verified)})`
        : `${count}${problems.length > 0 ? `; ${problems.join('; ')}` : ''}`,
  }
}

/**
 * The distinct witnesses of a policy and its threshold (default: all of them). Throws
 * WitnessKeyError for a key that is not a witness's, RangeError for a threshold out of range.
 */
export function witnessPolicy(witnessKeys: readonly string[], threshold?: number | undefined) {
  const witnesses = new Map<string, { vkey: string; key: VerifierKey }>()
  for (const vkey of witnessKeys) {
    const key = readVerifierKey(vkey)
    if (key.type !== COSIGNATURE_V1) {
      throw new WitnessKeyError(`${vkey.trim()} is not a witness's key (type 0x04, Ed25519 cosignature)`)
    }
    witnesses.set(`${key.name}+${key.keyId}`, { vkey: vkey.trim(), key })
  }
  const needed = threshold ?? witnesses.size
  if (!Number.isSafeInteger(needed) || needed < 1 || needed > witnesses.size) {
    throw new RangeError(
      `the threshold is a whole number from 1 to the ${witnesses.size} witnesses required (it is ${needed})`,
    )
  }
  return { witnesses: [...witnesses.values()], needed }
}

function checkCosignatures(
  text: string,
  signatures: readonly NoteSignature[],
  witnessKeys: readonly string[],
  threshold: number | undefined,
): CosignatureCheck {
  const { witnesses, needed } = witnessPolicy(witnessKeys, threshold)
  const check: CosignatureCheck = { ok: false, threshold: needed, verified: [], missing: [], failed: [] }
  for (const { vkey, key } of witnesses) {
    const verdict = { name: key.name, keyId: hex32(key.keyId), verifierKey: vkey }
    const lines = signatures.filter((line) => line.name === key.name && line.keyId === key.keyId)
    if (lines.length === 0) {
      check.missing.push(verdict)
      continue
    }
    let failure: WitnessVerdict | undefined
    let verified: WitnessVerdict | undefined
    for (const line of lines) {
      let stamped: { timestamp: number; signature: Uint8Array }
      try {
        stamped = parseTimestampedSignature(line.signature)
      } catch (error) {
        failure ??= { ...verdict, reason: `its cosignature is malformed: ${(error as Error).message}` }
        continue
      }
      if (verify(null, cosignedMessage(stamped.timestamp, text), publicKeyOf(key), stamped.signature)) {
        verified = { ...verdict, timestamp: stamped.timestamp }
        break
      }
      failure ??= {
        ...verdict,
        timestamp: stamped.timestamp,
        reason: `its cosignature of time ${stamped.timestamp} does not verify over this checkpoint`,
      }
    }
    if (verified) check.verified.push(verified)
    else if (failure) check.failed.push(failure)
  }
  check.ok = check.verified.length >= needed
  return check
}

function readNote(note: string): { text: string; checkpoint: CheckpointText; signatures: NoteSignature[] } {
  try {
    const { text, signatures } = parseSignedNote(note)
    return { text, checkpoint: parseCheckpointText(text), signatures }
  } catch (error) {
    throw new NoteVerificationError(`not a checkpoint note: ${(error as Error).message}`)
  }
}

function readVerifierKey(vkey: string): VerifierKey {
  return keyFormat(() => parseVerifierKey(sha256, vkey))
}

/** Runs a `@hejie/merkle` key formatter or parser, its errors as WitnessKeyError. */
function keyFormat<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    throw new WitnessKeyError((error as Error).message)
  }
}

function rawPublicKey(key: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url'))
}

function publicKeyOf(key: VerifierKey): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKey).toString('base64url') },
    format: 'jwk',
  })
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0')
}
