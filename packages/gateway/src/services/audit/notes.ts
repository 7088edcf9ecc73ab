import { createPublicKey, type KeyObject, sign } from 'node:crypto'
import {
  ED25519,
  formatCheckpointText,
  formatSignatureLine,
  formatVerifierKey,
  noteKeyId,
  type Sha256,
} from '@hejie/merkle'
import type { JWK } from 'jose'
import type { Kysely } from 'kysely'
import type { Database } from '../../storage/database.js'
import type { Schema } from '../../storage/schema.js'
import type { Checkpoint, CheckpointKeys } from './checkpoints.js'
import { nodeSha256 } from './merkle.js'

/**
 * Checkpoints as C2SP signed notes (c2sp.org/tlog-checkpoint): the origin, the tree size
 * and the root hash, signed with Ed25519 by the key that signs the checkpoint's JWS, under
 * the key name of the log's origin. A verifier holding the JWKS can check either form;
 * `GET /v1/audit/note-keys` gives the same keys as C2SP verifier keys.
 */
const sha256: Sha256 = nodeSha256

/** The 32 raw bytes of an Ed25519 public key. */
function rawPublicKey(key: KeyObject | JWK): Uint8Array {
  const jwk = 'x' in key ? (key as JWK) : (createPublicKey(key as KeyObject).export({ format: 'jwk' }) as JWK)
  return Buffer.from(jwk.x as string, 'base64url')
}

/** The note text of a checkpoint, without signatures. */
export function checkpointText(checkpoint: Pick<Checkpoint, 'origin' | 'tree_size' | 'root_hash'>): string {
  return formatCheckpointText({
    origin: checkpoint.origin,
    treeSize: checkpoint.tree_size,
    rootHash: checkpoint.root_hash,
    extensions: [],
  })
}

/** The checkpoint as a signed note: its text, a blank line, the log's signature line. */
export function signNote(text: string, origin: string, privateKey: KeyObject): string {
  const publicKey = rawPublicKey(privateKey)
  const line = formatSignatureLine({
    name: origin,
    keyId: noteKeyId(sha256, origin, ED25519, publicKey),
    signature: sign(null, Buffer.from(text), privateKey),
  })
  return `${text}\n${line}`
}

/** The kid in a compact JWS's protected header. */
function kidOf(jws: string): string {
  const header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
    kid?: string
  }
  if (!header.kid) throw new Error('a checkpoint signature without a kid')
  return header.kid
}

/**
 * The signed note of a stored checkpoint. Checkpoints signed before notes existed get theirs
 * now, from the key that signed their JWS, and keep it (Ed25519 is deterministic, so two
 * instances doing this at once store the same note).
 */
export async function noteOf(
  database: Database,
  keys: CheckpointKeys,
  checkpoint: Checkpoint,
  stored: string | null,
): Promise<string> {
  if (stored) return stored
  const note = signNote(
    checkpointText(checkpoint),
    checkpoint.origin,
    keys.keyOf(kidOf(checkpoint.signature)).privateKey,
  )
  await database.db
    .updateTable('audit_checkpoints')
    .set({ note })
    .where('tree_size', '=', checkpoint.tree_size)
    .where('note', 'is', null)
    .execute()
  return note
}

/** Every checkpoint key as a C2SP verifier key, in the order the keys were made. */
export function noteKeys(keys: CheckpointKeys, origin: string, currentKid: string) {
  return keys.jwks().keys.map((jwk) => ({
    object: 'note_key' as const,
    kid: jwk.kid as string,
    verifier_key: formatVerifierKey(sha256, origin, ED25519, rawPublicKey(jwk)),
    current: jwk.kid === currentKid,
  }))
}

/** A checkpoint with its signed note and the cosignatures witnesses gave it. */
export async function witnessedCheckpoint(database: Database, keys: CheckpointKeys, checkpoint: Checkpoint) {
  const row = await database.db
    .selectFrom('audit_checkpoints')
    .select('note')
    .where('tree_size', '=', checkpoint.tree_size)
    .executeTakeFirst()
  const note = await noteOf(database, keys, checkpoint, row?.note ?? null)
  return { ...checkpoint, note, cosignatures: await cosignaturesOf(database.db, checkpoint) }
}

/** The note with the witnesses' cosignature lines after the log's own. */
export function cosignedNote(witnessed: { note: string; cosignatures: readonly { line: string }[] }): string {
  return witnessed.note + witnessed.cosignatures.map((cosignature) => `${cosignature.line}\n`).join('')
}

/** The cosignatures witnesses gave this checkpoint (its size and its root), one per witness (its latest). */
async function cosignaturesOf(db: Kysely<Schema>, checkpoint: Pick<Checkpoint, 'tree_size' | 'root_hash'>) {
  const rows = await db
    .selectFrom('audit_cosignatures')
    .select(['client_id', 'name', 'timestamp', 'line'])
    .where('tree_size', '=', checkpoint.tree_size)
    .where('root_hash', '=', checkpoint.root_hash)
    .orderBy('client_id')
    .orderBy('timestamp', 'desc')
    .execute()
  const latest = new Map<string, (typeof rows)[number]>()
  for (const row of rows) if (!latest.has(row.client_id)) latest.set(row.client_id, row)
  return [...latest.values()].map((row) => ({
    witness: row.name,
    timestamp: Number(row.timestamp),
    line: row.line,
  }))
}
