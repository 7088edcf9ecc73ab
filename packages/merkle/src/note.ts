/**
 * C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and
 * Ed25519 cosignatures (c2sp.org/tlog-cosignature): the text formats only. Signing and
 * verifying Ed25519 is left to the caller (node:crypto, or WebCrypto in a browser), and
 * SHA-256 is injected as everywhere in this package.
 */
import { fromBase64, toBase64 } from './base64.js'
import type { Sha256 } from './hashing.js'

/** Signature types of c2sp.org/signed-note: an Ed25519 note signature, an Ed25519 cosignature. */
export const ED25519 = 0x01
export const COSIGNATURE_V1 = 0x04

export class NoteError extends Error {
  override name = 'NoteError'
}

/** One signature line of a note: `— <name> base64(key id ‖ signature)`. */
export interface NoteSignature {
  name: string
  /** The 32-bit key id, big-endian. */
  keyId: number
  /** What follows the key id: the signature (and, for a cosignature, its timestamp first). */
  signature: Uint8Array
}

export interface SignedNote {
  /** The signed text, ending in a newline. */
  text: string
  signatures: NoteSignature[]
}

/** A verifier key: `<name>+<hex key id>+base64(type ‖ public key)`. */
export interface VerifierKey {
  name: string
  keyId: number
  type: number
  publicKey: Uint8Array
}

export interface CheckpointText {
  origin: string
  treeSize: number
  /** The root hash, base64. */
  rootHash: string
  extensions: string[]
}

/** Global in Node.js and browsers; declared because the package compiles without DOM or Node types. */
declare const TextEncoder: new () => { encode(text: string): Uint8Array }
const encoder = new TextEncoder()

/** SHA-256(name ‖ "\n" ‖ type ‖ public key)[:4], as a 32-bit number. */
export function noteKeyId(sha256: Sha256, name: string, type: number, publicKey: Uint8Array): number {
  const hash = sha256(encoder.encode(`${name}\n`), Uint8Array.of(type), publicKey)
  return new DataView(hash.buffer, hash.byteOffset, 4).getUint32(0)
}

export function formatVerifierKey(sha256: Sha256, name: string, type: number, publicKey: Uint8Array): string {
  requireKeyName(name)
  const id = noteKeyId(sha256, name, type, publicKey)
  return `${name}+${hex32(id)}+${toBase64(concat(Uint8Array.of(type), publicKey))}`
}

export function parseVerifierKey(sha256: Sha256, vkey: string): VerifierKey {
  // The base64 part may itself hold "+": only the first two separate the parts.
  const text = vkey.trim()
  const first = text.indexOf('+')
  const second = text.indexOf('+', first + 1)
  if (first < 0 || second < 0)
    throw new NoteError('a verifier key has three parts: name+keyid+base64(type‖key)')
  const name = text.slice(0, first)
  const idHex = text.slice(first + 1, second)
  const material = text.slice(second + 1)
  requireKeyName(name)
  if (!/^[0-9a-f]{8}$/.test(idHex))
    throw new NoteError('the key id of a verifier key is 8 lowercase hex digits')
  const bytes = decodeBase64(material, 'the key of a verifier key')
  if (bytes.length !== 33) throw new NoteError('an Ed25519 verifier key holds a type byte and 32 key bytes')
  const type = bytes[0] as number
  if (type !== ED25519 && type !== COSIGNATURE_V1) {
    throw new NoteError(`signature type 0x${type.toString(16).padStart(2, '0')} is not supported`)
  }
  const publicKey = bytes.slice(1)
  const keyId = Number.parseInt(idHex, 16)
  if (noteKeyId(sha256, name, type, publicKey) !== keyId) {
    throw new NoteError('the key id of the verifier key does not match its name and key')
  }
  return { name, keyId, type, publicKey }
}

export function formatSignatureLine(signature: NoteSignature): string {
  const id = new Uint8Array(4)
  new DataView(id.buffer).setUint32(0, signature.keyId)
  return `— ${signature.name} ${toBase64(concat(id, signature.signature))}\n`
}

/** Splits a signed note into its text and signature lines, checking the format. */
export function parseSignedNote(note: string): SignedNote {
  if (note.length > 1_000_000) throw new NoteError('the note is too long')
  for (let i = 0; i < note.length; i += 1) {
    const code = note.charCodeAt(i)
    if (code < 0x20 && code !== 0x0a) throw new NoteError('a note holds no control characters but newlines')
  }
  const split = note.lastIndexOf('\n\n')
  if (split < 0 || !note.endsWith('\n')) {
    throw new NoteError('a note is its text, a blank line, then signature lines, each ending in a newline')
  }
  const text = note.slice(0, split + 1)
  const lines = note.slice(split + 2, -1).split('\n')
  if (lines.length > 100) throw new NoteError('the note has too many signatures')
  const signatures = lines.map((line) => {
    const match = /^— (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line)
    if (!match) throw new NoteError(`not a signature line: ${JSON.stringify(line.slice(0, 80))}`)
    const bytes = decodeBase64(match[2] as string, 'a signature')
    if (bytes.length < 5) throw new NoteError('a signature holds a key id and the signature')
    const keyId = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0)
    return { name: match[1] as string, keyId, signature: bytes.slice(4) }
  })
  return { text, signatures }
}

/** The note text of a checkpoint: origin, tree size and root hash, each on its line. */
export function formatCheckpointText(checkpoint: CheckpointText): string {
  const lines = [
    checkpoint.origin,
    String(checkpoint.treeSize),
    checkpoint.rootHash,
    ...checkpoint.extensions,
  ]
  return `${lines.join('\n')}\n`
}

export function parseCheckpointText(text: string): CheckpointText {
  const lines = text.split('\n')
  if (lines.pop() !== '' || lines.length < 3 || lines.some((line) => line === '')) {
    throw new NoteError('a checkpoint is at least three non-empty lines: origin, tree size, root hash')
  }
  const [origin, size, rootHash, ...extensions] = lines as [string, string, string, ...string[]]
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size))) {
    throw new NoteError(`the tree size line is not a decimal number: ${JSON.stringify(size)}`)
  }
  if (decodeBase64(rootHash, 'the root hash line').length !== 32)
    throw new NoteError('the root hash line is not a base64 SHA-256 hash')
  return { origin, treeSize: Number(size), rootHash, extensions }
}

/** What an Ed25519 cosigner signs: `cosignature/v1`, `time <t>`, then the checkpoint's text. */
export function cosignedMessage(timestamp: number, checkpointText: string): Uint8Array {
  return encoder.encode(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`)
}

/** A cosignature's signature bytes: the u64 big-endian timestamp, then the 64-byte Ed25519 signature. */
export function timestampedSignature(timestamp: number, signature: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(8 + signature.length)
  new DataView(bytes.buffer).setBigUint64(0, BigInt(timestamp))
  bytes.set(signature, 8)
  return bytes
}

export function parseTimestampedSignature(bytes: Uint8Array): { timestamp: number; signature: Uint8Array } {
  if (bytes.length !== 8 + 64)
    throw new NoteError('an Ed25519 cosignature is a timestamp and 64 signature bytes')
  const timestamp = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0)
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER))
    throw new NoteError('the cosignature timestamp is out of range')
  return { timestamp: Number(timestamp), signature: bytes.slice(8) }
}

function requireKeyName(name: string): void {
  if (name === '' || /[\s+]/u.test(name))
    throw new NoteError('a key name is non-empty, without spaces or "+"')
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0')
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

function decodeBase64(text: string, what: string): Uint8Array {
  try {
    return fromBase64(text)
  } catch {
    throw new NoteError(`${what} is not standard base64`)
  }
}
