import { createHash, randomBytes } from 'node:crypto'
import type { SubtreeHashes } from '@hejie/merkle'
import type { Transaction } from 'kysely'
import { canonicalBytes } from '../../domain/canonical-json.js'
import type { Actor } from '../../domain/principal.js'
import type { Schema } from '../../storage/schema.js'
import { merkle } from './merkle.js'

/** What a write asks the audit log to commit to. */
export interface AuditRecord {
  action: string
  objectId: string
  disputeId?: string | undefined
  /** Whose data this is: lets an enterprise read the entries of its own disputes. */
  enterpriseId?: string | null | undefined
  /** Which regulators read it: those whose jurisdiction's subtree holds this node. */
  jurisdictionId: string
  /** The new state of the object, personal data left out. */
  state: unknown
  /** Personal data of the change, committed to with a salt, never logged in the clear. */
  personalData?: unknown
  /** For a dispute's timeline: what a reader needs to know of the change, no personal data. */
  details?: Record<string, unknown>
}

/** An entry as appended: its place in the log and the actor as the entry names it. */
export interface AppendedEntry {
  index: number
  at: string
  actor: AuditEntryActor
  record: AuditRecord
}

export interface AuditEntryActor {
  role: string
  client_id: string
  enterprise_id?: string
  unit_id?: string
}

export interface AuditContext {
  actor: Actor
  requestId: string
  at: string
}

function sha256Hex(...parts: Uint8Array[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest('hex')
}

/**
 * Reads stored subtree hashes inside the writing transaction, remembering the ones this
 * transaction adds, so that several entries appended together see each other's nodes.
 */
function transactionNodes(
  trx: Transaction<Schema>,
): SubtreeHashes & { remember(level: number, position: number, hash: Uint8Array): void } {
  const added = new Map<string, Uint8Array>()
  return {
    remember(level, position, hash) {
      added.set(`${level}:${position}`, hash)
    },
    async get(level, position) {
      const cached = added.get(`${level}:${position}`)
      if (cached) return cached
      const row = await trx
        .selectFrom('audit_nodes')
        .select('hash')
        .where('level', '=', level)
        .where('position', '=', position)
        .executeTakeFirst()
      if (!row) throw new Error(`audit log node ${level}:${position} is missing`)
      return new Uint8Array(row.hash)
    },
  }
}

/**
 * Appends entries to the Merkle log. The caller holds the append lock, so `firstIndex`
 * is the next free index and indices stay gap-free.
 */
export async function appendAuditEntries(
  trx: Transaction<Schema>,
  records: readonly AuditRecord[],
  context: AuditContext,
  firstIndex: number,
): Promise<AppendedEntry[]> {
  const nodes = transactionNodes(trx)
  const appended: AppendedEntry[] = []
  const actor: AuditEntryActor = {
    role: context.actor.role,
    client_id: context.actor.clientId,
    ...(context.actor.enterpriseId ? { enterprise_id: context.actor.enterpriseId } : {}),
    ...(context.actor.unitId ? { unit_id: context.actor.unitId } : {}),
  }
  let index = firstIndex
  for (const record of records) {
    let commitment: string | undefined
    if (record.personalData !== undefined) {
      const salt = randomBytes(32)
      commitment = sha256Hex(salt, canonicalBytes(record.personalData))
      await trx
        .insertInto('audit_salts')
        .values({ leaf_index: index, dispute_id: record.disputeId ?? record.objectId, salt })
        .execute()
    }
    const entry = {
      v: 1,
      index,
      at: context.at,
      actor,
      action: record.action,
      ...(record.disputeId ? { dispute_id: record.disputeId } : {}),
      object_id: record.objectId,
      digest: sha256Hex(canonicalBytes(record.state)),
      ...(commitment ? { personal_data_commitment: commitment } : {}),
      request_id: context.requestId,
    }
    const canonical = canonicalBytes(entry)
    const hash = merkle.leafHash(canonical)
    await trx
      .insertInto('audit_entries')
      .values({
        leaf_index: index,
        leaf_hash: hash,
        canonical,
        dispute_id: record.disputeId ?? null,
        enterprise_id: record.enterpriseId ?? null,
        jurisdiction_id: record.jurisdictionId,
        created_at: context.at,
      })
      .execute()
    // The leaf itself (level 0) and every parent it completes.
    const completed = await merkle.nodesCompletedBy(index, hash, nodes)
    for (const node of completed) nodes.remember(node.level, node.position, node.hash)
    await trx
      .insertInto('audit_nodes')
      .values(completed.map((node) => ({ level: node.level, position: node.position, hash: node.hash })))
      .execute()
    appended.push({ index, at: context.at, actor, record })
    index += 1
  }
  return appended
}
