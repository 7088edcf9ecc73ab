import type { KeyObject } from 'node:crypto'
import { type JWK, SignJWT } from 'jose'
import type { Kysely } from 'kysely'
import type { Database } from '../../storage/database.js'
import type { AuditCheckpointTable, Schema } from '../../storage/schema.js'
import { merkle } from './merkle.js'
import { checkpointText, signNote } from './notes.js'
import { storedNodes, treeSize } from './stored-nodes.js'

export const CHECKPOINT_TYPE = 'audit-checkpoint+jwt'

/**
 * The keys that sign checkpoints and the JWKS that verifies them (identity's key ring).
 * Named here so that the audit log depends on what it needs, not on identity.
 */
export interface CheckpointKeys {
  signingKey(): { kid: string; privateKey: KeyObject }
  keyOf(kid: string): { kid: string; privateKey: KeyObject }
  jwks(): { keys: JWK[] }
}

export interface Checkpoint {
  origin: string
  tree_size: number
  root_hash: string
  timestamp: string
  signature: string
}

function present(row: AuditCheckpointTable, origin: string): Checkpoint {
  return {
    origin,
    tree_size: Number(row.tree_size),
    root_hash: Buffer.from(row.root_hash).toString('base64'),
    timestamp: row.timestamp,
    signature: row.signature,
  }
}

export async function latestCheckpoint(db: Kysely<Schema>, origin: string): Promise<Checkpoint | null> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? present(row, origin) : null
}

/**
 * Signs a checkpoint of the log as it is now, unless one of this size exists. The tree size
 * is the primary key: two instances signing at once store one row, so there is never a
 * second root for one size. Subtree hashes of committed entries never change, so the root
 * needs no transaction.
 */
export async function signCheckpoint(
  database: Database,
  keys: CheckpointKeys,
  origin: string,
): Promise<Checkpoint> {
  const size = await treeSize(database.db)
  const existing = await database.db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tree_size', '=', size)
    .executeTakeFirst()
  if (existing) return present(existing, origin)
  const root = await merkle.rootHash(size, storedNodes(database))
  const payload = {
    origin,
    tree_size: size,
    root_hash: Buffer.from(root).toString('base64'),
    timestamp: database.clock.now().toISOString(),
  }
  const { kid, privateKey } = keys.signingKey()
  const signature = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: CHECKPOINT_TYPE })
    .sign(privateKey)
  const note = signNote(checkpointText(payload), origin, privateKey)
  await database.db
    .insertInto('audit_checkpoints')
    .values({ tree_size: size, root_hash: root, timestamp: payload.timestamp, signature, note })
    .onConflict((oc) => oc.column('tree_size').doNothing())
    .execute()
  const stored = await database.db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tree_size', '=', size)
    .executeTakeFirstOrThrow()
  return present(stored, origin)
}

/** The current checkpoint: the latest, or a new one when entries arrived since. */
export async function currentCheckpoint(
  database: Database,
  keys: CheckpointKeys,
  origin: string,
): Promise<Checkpoint> {
  const latest = await latestCheckpoint(database.db, origin)
  if (latest && latest.tree_size === (await treeSize(database.db))) return latest
  return signCheckpoint(database, keys, origin)
}
