import type { Database } from '../../storage/database.js'

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
