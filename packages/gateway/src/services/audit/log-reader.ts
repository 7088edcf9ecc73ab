import { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { StatementTarget } from '../../storage/compiled-statement.js'
import type { Database } from '../../storage/database.js'
import type { AuditEntryTable, Schema } from '../../storage/schema.js'
import { isRootJurisdiction } from '../tenancy/subtree.js'
import { type CheckpointKeys, currentCheckpoint } from './checkpoints.js'
import { merkle } from './merkle.js'
import { witnessedCheckpoint } from './notes.js'
import { storedNodes, treeSize } from './stored-nodes.js'
import { visibleEntries } from './visibility.js'

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

/**
 * An entry as the API shows it: the stored bytes exactly as hashed, and the same bytes
 * parsed for reading. Bytes that no longer parse (a damaged or altered row) are shown
 * without `entry`, so that the reader, and the verifier working from `canonical`, still get
 * the entry and can name it.
 */
function presentEntry(row: AuditEntryTable) {
  const canonical = Buffer.from(row.canonical)
  const presented = {
    index: Number(row.leaf_index),
    leaf_hash: base64(row.leaf_hash),
    canonical: canonical.toString('base64'),
  }
  try {
    return { ...presented, entry: JSON.parse(canonical.toString('utf8')) as Record<string, unknown> }
  } catch {
    return presented
  }
}

export async function listEntries(
  db: Kysely<Schema>,
  principal: Principal,
  range: { start: number; end?: number | undefined; limit: number },
) {
  const size = await treeSize(db)
  const end = Math.min(range.end ?? size, size)
  if (range.end !== undefined && range.start > range.end) {
    throw problem('validation_failed', {
      en: `The range starts at ${range.start}, after its end ${range.end}.`,
      zh: `范围的起点 ${range.start} 在终点 ${range.end} 之后。`,
    })
  }
  if (range.start > end) {
    throw problem('validation_failed', {
      en: `The log has ${size} entries, so it has none from ${range.start}.`,
      zh: `审计日志共有 ${size} 条，不存在从第 ${range.start} 条起的记录。`,
    })
  }
  const rows = await visibleEntries(db, principal)
    .selectAll()
    .where('leaf_index', '>=', range.start)
    .where('leaf_index', '<', end)
    .orderBy('leaf_index')
    .limit(range.limit + 1)
    .execute()
  const shown = rows.slice(0, range.limit)
  const last = shown.at(-1)
  return {
    object: 'list' as const,
    data: shown.map(presentEntry),
    has_more: rows.length > range.limit,
    next_cursor: rows.length > range.limit && last ? String(Number(last.leaf_index) + 1) : null,
  }
}

async function assertSize(db: Kysely<Schema>, size: number): Promise<void> {
  const current = await treeSize(db)
  if (size > current)
    throw problem('validation_failed', {
      en: `The log has ${current} entries; tree_size ${size} does not exist yet.`,
      zh: `审计日志共有 ${current} 条；tree_size ${size} 尚不存在。`,
    })
}

export async function proveInclusion(
  target: StatementTarget,
  principal: Principal,
  leafIndex: number,
  size: number,
) {
  if (leafIndex >= size)
    throw problem('validation_failed', {
      en: `leaf_index must be below tree_size (${size}).`,
      zh: `leaf_index 必须小于 tree_size（${size}）。`,
    })
  const { db } = target
  await assertSize(db, size)
  const visible = await visibleEntries(db, principal)
    .select('leaf_index')
    .where('leaf_index', '=', leafIndex)
    .executeTakeFirst()
  if (!visible)
    throw problem('not_found', {
      en: `No audit entry ${leafIndex} visible to the caller.`,
      zh: `调用方无权查看或不存在审计日志条目 ${leafIndex}。`,
    })
  const hashes = await merkle.inclusionProof(leafIndex, size, storedNodes(target))
  return { leaf_index: leafIndex, tree_size: size, hashes: hashes.map(base64) }
}

export async function proveConsistency(target: StatementTarget, first: number, second: number) {
  if (first < 1 || first > second)
    throw problem('validation_failed', {
      en: 'Consistency needs 1 ≤ first ≤ second.',
      zh: '一致性证明要求 1 ≤ first ≤ second。',
    })
  await assertSize(target.db, second)
  const hashes = await merkle.consistencyProof(first, second, storedNodes(target))
  return { first, second, hashes: hashes.map(base64) }
}

/** The jurisdiction a regulator's export is limited to; null when it is the whole log (the root). */
async function exportedSubtree(db: Kysely<Schema>, principal: Principal): Promise<string | null> {
  if (principal.role !== 'regulator') return null
  const own = principal.jurisdictionId ?? ''
  return (await isRootJurisdiction(db, own)) ? null : own
}

/**
 * The offline-verifiable bundle as NDJSON, streamed in batches (never built in memory): a
 * manifest, the signed checkpoint the proofs lead to, the JWKS that verifies it, with
 * `consistency_from` the proof that the tree of that size is a prefix of the checkpoint's,
 * then every entry in range with its inclusion proof.
 */
export async function exportBundle(
  database: Database,
  keys: CheckpointKeys,
  origin: string,
  principal: Principal,
  query: {
    from?: number | undefined
    to?: number | undefined
    enterprise_id?: string | undefined
    consistency_from?: number | undefined
  },
): Promise<Readable> {
  // The checkpoint line carries the signed note and the witnesses' cosignatures as fields
  // of their own, which a verifier that predates them ignores.
  const checkpoint = await witnessedCheckpoint(
    database,
    keys,
    await currentCheckpoint(database, keys, origin),
  )
  const consistencyFrom = query.consistency_from
  if (consistencyFrom !== undefined && consistencyFrom > checkpoint.tree_size) {
    throw problem('validation_failed', {
      en: `consistency_from ${consistencyFrom} is past the checkpoint's tree_size ${checkpoint.tree_size}.`,
      zh: `consistency_from ${consistencyFrom} 超出了检查点的 tree_size ${checkpoint.tree_size}。`,
    })
  }
  const from = query.from ?? 0
  const to = Math.min(query.to ?? checkpoint.tree_size, checkpoint.tree_size)
  const enterpriseId =
    principal.role === 'enterprise' ? principal.enterpriseId : (query.enterprise_id ?? null)
  const subtree = await exportedSubtree(database.db, principal)
  const db = database.db
  const nodes = storedNodes(database)
  // Proved before the first byte is sent, so that a bad size is a 400, not a broken stream.
  const consistency =
    consistencyFrom === undefined
      ? undefined
      : {
          type: 'consistency',
          first: consistencyFrom,
          second: checkpoint.tree_size,
          hashes: (await merkle.consistencyProof(consistencyFrom, checkpoint.tree_size, nodes)).map(base64),
        }
  async function* lines() {
    yield `${JSON.stringify({
      type: 'manifest',
      format: 'hejie-audit-export/1',
      origin,
      from,
      to,
      enterprise_id: enterpriseId,
      // A verifier expects every index in range only from an export of the whole log.
      jurisdiction_id: subtree,
      generated_at: database.clock.now().toISOString(),
    })}\n`
    yield `${JSON.stringify({ type: 'checkpoint', ...checkpoint })}\n`
    yield `${JSON.stringify({ type: 'jwks', ...keys.jwks() })}\n`
    if (consistency) yield `${JSON.stringify(consistency)}\n`
    let next = from
    while (next < to) {
      let batch = visibleEntries(db, principal)
        .selectAll()
        .where('leaf_index', '>=', next)
        .where('leaf_index', '<', to)
      // A regulator may narrow the export to one enterprise; an enterprise's is its own already.
      if (enterpriseId) batch = batch.where('enterprise_id', '=', enterpriseId)
      // A small batch is gone before V8's young generation is collected twice: batches of 500
      // rows outlived it, were moved to the old space and grew the export's resident memory.
      const rows = await batch.orderBy('leaf_index').limit(100).execute()
      if (rows.length === 0) break
      for (const row of rows) {
        const index = Number(row.leaf_index)
        const proof = await merkle.inclusionProof(index, checkpoint.tree_size, nodes)
        yield `${JSON.stringify({ type: 'entry', ...presentEntry(row), proof: proof.map(base64) })}\n`
      }
      next = Number(rows.at(-1)?.leaf_index) + 1
    }
  }
  return Readable.from(lines())
}
