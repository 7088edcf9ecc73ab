import type { Database } from '../../storage/database.js'
import type { FileStore } from '../../storage/file-store.js'
import { transaction } from '../../storage/group-commit.js'
import { ORPHAN_CHUNK_TTL_MS, UNBOUND_FILE_TTL_MS } from './limits.js'

/**
 * Deletes files uploaded for an intake that no intake bound within 24 hours, and content that
 * an upload which died (a crash between its chunks and its row) left without a file. Safe in
 * several processes at once: each deletion is of rows nobody can bind any more.
 */
export async function purgeUnboundFiles(database: Database, store: FileStore): Promise<number> {
  const now = database.clock.now().getTime()
  const cutoff = new Date(now - UNBOUND_FILE_TTL_MS).toISOString()
  let purged = 0
  for (;;) {
    const batch = await database.db
      .selectFrom('files')
      .select('id')
      .where('dispute_id', 'is', null)
      .where('created_at', '<', cutoff)
      .limit(100)
      .execute()
    if (batch.length === 0) break
    const ids = batch.map((row) => row.id)
    // The row first, in a transaction that re-checks it is still unbound: an intake binding
    // the file at this moment wins or loses as a whole, never against half a deletion.
    const deleted = await transaction(database, async (trx) => {
      const result = await trx
        .deleteFrom('files')
        .where('id', 'in', ids)
        .where('dispute_id', 'is', null)
        .returning('id')
        .execute()
      const gone = result.map((row) => row.id)
      await store.remove(gone, trx)
      return gone
    })
    purged += deleted.length
    if (batch.length < 100) break
  }
  await store.removeOrphans(new Date(now - ORPHAN_CHUNK_TTL_MS).toISOString())
  return purged
}
