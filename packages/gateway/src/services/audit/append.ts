import { createHash, randomBytes } from 'node:crypto'
import type { SubtreeHashes } from '@hejie/merkle'
import { canonicalBytes } from '../../domain/canonical-json.js'
import type { Actor } from '../../domain/principal.js'
import { compiled, type StatementTarget } from '../../storage/compiled-statement.js'
import type { Placeholder } from '../../storage/placeholder.js'
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
  /**
   * Files the change cites, with their SHA-256: in the entry itself, so that a file's content
   * is checked against the log with an inclusion proof and nothing else.
   */
  evidence?: readonly EvidenceDigest[] | undefined
}

/** A file as an audit entry commits to it. */
export interface EvidenceDigest {
  file_id: string
  /** Lower-case hex. */
  sha256: string
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

/** The actor as an entry names it: role and client, and the enterprise or unit acted for. */
export function entryActor(actor: Actor): AuditEntryActor {
  return {
    role: actor.role,
    client_id: actor.clientId,
    ...(actor.enterpriseId ? { enterprise_id: actor.enterpriseId } : {}),
    ...(actor.unitId ? { unit_id: actor.unitId } : {}),
  }
}

/**
 * A record's personal data committed to with a fresh salt: the salt is stored beside the
 * entry (and deleted by erasure), the commitment goes into the entry.
 */
export function commitToPersonalData(record: AuditRecord): { salt: Buffer; commitment: string } | undefined {
  if (record.personalData === undefined) return undefined
  const salt = randomBytes(32)
  return { salt, commitment: sha256Hex(salt, canonicalBytes(record.personalData)) }
}

/**
 * The entry a record becomes at `index`: what its leaf hash commits to, as RFC 8785 JSON.
 * `index` is a placeholder when the database gives the entry its place (see
 * `write/server-append.ts`).
 */
export function auditEntry(
  record: AuditRecord,
  context: { actor: AuditEntryActor; requestId: string; at: string },
  index: number | Placeholder,
  personalDataCommitment: string | undefined,
) {
  return {
    v: 1,
    index,
    at: context.at,
    actor: context.actor,
    action: record.action,
    ...(record.disputeId ? { dispute_id: record.disputeId } : {}),
    object_id: record.objectId,
    digest: sha256Hex(canonicalBytes(record.state)),
    ...(personalDataCommitment ? { personal_data_commitment: personalDataCommitment } : {}),
    ...(record.evidence?.length ? { evidence: record.evidence } : {}),
    request_id: context.requestId,
  }
}

/**
 * Reads stored subtree hashes inside the writing transaction, remembering the ones this
 * transaction adds, so that several entries appended together see each other's nodes.
 */
function transactionNodes(
  trx: StatementTarget,
): SubtreeHashes & { remember(level: number, position: number, hash: Uint8Array): void } {
  const added = new Map<string, Uint8Array>()
  return {
    remember(level, position, hash) {
      added.set(`${level}:${position}`, hash)
    },
    async get(level, position) {
      const cached = added.get(`${level}:${position}`)
      if (cached) return cached
      const row = (await readNode.execute(trx, { level, position })).rows[0]
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
  trx: StatementTarget,
  records: readonly AuditRecord[],
  context: AuditContext,
  firstIndex: number,
): Promise<AppendedEntry[]> {
  const nodes = transactionNodes(trx)
  const appended: AppendedEntry[] = []
  const actor = entryActor(context.actor)
  let index = firstIndex
  for (const record of records) {
    const personal = commitToPersonalData(record)
    if (personal) {
      await insertSalt.execute(trx, {
        leaf_index: index,
        dispute_id: record.disputeId ?? record.objectId,
        salt: personal.salt,
      })
    }
    const entry = auditEntry(
      record,
      { actor, requestId: context.requestId, at: context.at },
      index,
      personal?.commitment,
    )
    const canonical = canonicalBytes(entry)
    const hash = merkle.leafHash(canonical)
    await insertEntry.execute(trx, {
      leaf_index: index,
      leaf_hash: hash,
      canonical,
      dispute_id: record.disputeId ?? null,
      enterprise_id: record.enterpriseId ?? null,
      jurisdiction_id: record.jurisdictionId,
      created_at: context.at,
    })
    // The leaf itself (level 0) and every parent it completes.
    const completed = await merkle.nodesCompletedBy(index, hash, nodes)
    for (const node of completed) nodes.remember(node.level, node.position, node.hash)
    await insertNodes.execute(trx, completed)
    appended.push({ index, at: context.at, actor, record })
    index += 1
  }
  return appended
}

const readNode = compiled<{ level: number; position: number }>()((db, p) =>
  db
    .selectFrom('audit_nodes')
    .select('hash')
    .where('level', '=', p('level'))
    .where('position', '=', p('position')),
)

const insertSalt = compiled<{ leaf_index: number; dispute_id: string; salt: Uint8Array }>()((db, p) =>
  db
    .insertInto('audit_salts')
    .values({ leaf_index: p('leaf_index'), dispute_id: p('dispute_id'), salt: p('salt') }),
)

const insertEntry = compiled<{
  leaf_index: number
  leaf_hash: Uint8Array
  canonical: Uint8Array
  dispute_id: string | null
  enterprise_id: string | null
  jurisdiction_id: string
  created_at: string
}>()((db, p) =>
  db.insertInto('audit_entries').values({
    leaf_index: p('leaf_index'),
    leaf_hash: p('leaf_hash'),
    canonical: p('canonical'),
    dispute_id: p('dispute_id'),
    enterprise_id: p('enterprise_id'),
    jurisdiction_id: p('jurisdiction_id'),
    created_at: p('created_at'),
  }),
)

/** The nodes one leaf completes: itself and each parent it finishes, one row each. */
const insertNodes = compiled<{ level: number; position: number; hash: Uint8Array }>()((db, p, rows) =>
  db.insertInto('audit_nodes').values(
    Array.from({ length: rows }, (_, row) => ({
      level: p('level', row),
      position: p('position', row),
      hash: p('hash', row),
    })),
  ),
)
