import { createHash } from 'node:crypto'
import { canonicalBytes } from '../../domain/canonical-json.js'
import { problem } from '../../errors.js'
import { compiled, type StatementTarget } from '../../storage/compiled-statement.js'
import type { Database } from '../../storage/database.js'

/** How long a request waits for another request with its idempotency key before it gets a 409. */
export const IDEMPOTENCY_WAIT = '10s'

export interface Idempotency {
  key: string
  /** SHA-256 over method, path and canonical body: the same key with another request is refused. */
  requestHash: string
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n`)
    .update(canonicalBytes(body ?? null))
    .digest('hex')
}

/**
 * Claims the key for this request, or returns the stored response of the request that
 * claimed it first. On PostgreSQL a concurrent claim of the same key blocks on the first
 * transaction's row until it commits (then replays it) or rolls back (then proceeds), up to
 * the lock timeout. SQLite has one writer, so the first request has always finished.
 */
export async function claimIdempotencyKey(
  trx: StatementTarget,
  clientId: string,
  idempotency: Idempotency,
  now: Date,
): Promise<{ status: number; body: unknown } | null> {
  const claimed = await claimKey.execute(trx, {
    client_id: clientId,
    key: idempotency.key,
    request_hash: idempotency.requestHash,
    created_at: now.toISOString(),
  })
  if (Number(claimed.numAffectedRows ?? 0) === 1) return null

  const earlier = (await readKey.execute(trx, { client_id: clientId, key: idempotency.key })).rows[0]
  if (!earlier) throw new Error(`idempotency key ${idempotency.key} neither claimed nor found`)
  if (earlier.request_hash !== idempotency.requestHash) {
    throw problem('idempotency_key_reused', {
      en: 'This Idempotency-Key was used with a different request; use a new key for a new request.',
      zh: '该 Idempotency-Key 已用于另一个请求；新请求请使用新的幂等键。',
    })
  }
  if (earlier.response_status === null || earlier.response_body === null) {
    throw problem('idempotency_key_in_use', {
      en: 'A request with this Idempotency-Key is still running; retry shortly.',
      zh: '使用该 Idempotency-Key 的请求仍在处理中；请稍后重试。',
    })
  }
  return { status: earlier.response_status, body: JSON.parse(earlier.response_body) }
}

/** Keeps the answer with the key, in the write's transaction: a replay answers the same. */
export async function recordResponse(
  trx: StatementTarget,
  clientId: string,
  key: string,
  response: { status: number; body: unknown; replayBody?: unknown },
): Promise<void> {
  await recordKeyResponse.execute(trx, {
    client_id: clientId,
    key,
    response_status: response.status,
    response_body: JSON.stringify(response.replayBody ?? response.body),
  })
}

const claimKey = compiled<{ client_id: string; key: string; request_hash: string; created_at: string }>()(
  (db, p) =>
    db
      .insertInto('idempotency_keys')
      .values({
        client_id: p('client_id'),
        key: p('key'),
        request_hash: p('request_hash'),
        created_at: p('created_at'),
      })
      .onConflict((oc) => oc.columns(['client_id', 'key']).doNothing()),
)

const readKey = compiled<{ client_id: string; key: string }>()((db, p) =>
  db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('client_id', '=', p('client_id'))
    .where('key', '=', p('key')),
)

const recordKeyResponse = compiled<{
  client_id: string
  key: string
  response_status: number
  response_body: string
}>()((db, p) =>
  db
    .updateTable('idempotency_keys')
    .set({ response_status: p('response_status'), response_body: p('response_body') })
    .where('client_id', '=', p('client_id'))
    .where('key', '=', p('key')),
)

/** Rows deleted per statement, so that a large purge never holds the writer for long. */
const batchSize = 1000

/**
 * Deletes the idempotency records created before `cutoff`, in batches of the oldest first,
 * and returns how many went. A retry that arrives after its record is gone is treated as a
 * new request, which is why the retention is never below the 24 h the conventions promise.
 */
export async function purgeIdempotencyRecords(database: Database, cutoff: Date): Promise<number> {
  const before = cutoff.toISOString()
  let purged = 0
  for (;;) {
    // The created_at of the last row in this batch: delete up to and including it.
    const last = await database.db
      .selectFrom('idempotency_keys')
      .select('created_at')
      .where('created_at', '<', before)
      .orderBy('created_at')
      .offset(batchSize - 1)
      .limit(1)
      .executeTakeFirst()
    const result = await database.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', before)
      .$if(last !== undefined, (q) => q.where('created_at', '<=', last?.created_at ?? before))
      .executeTakeFirst()
    const deleted = Number(result.numDeletedRows)
    purged += deleted
    if (last === undefined || deleted === 0) return purged
  }
}
