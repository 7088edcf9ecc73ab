import type { Kysely } from 'kysely'
import type { Database } from './database.js'
import { transaction } from './group-commit.js'
import type { Schema } from './schema.js'

/**
 * Where the content of evidence files lives. Every gateway instance must read what any other
 * wrote, so the default is the database itself, in chunk rows; an S3-compatible store would
 * implement the same interface (chunks as parts of one object) and be chosen at start-up.
 * The store keeps bytes only: the file's row, its hash and who may read it are the files
 * service's.
 */
export interface FileStore {
  /**
   * Stores the chunks of a file that has no row yet, in order. A chunk is durable once the
   * promise of the next one resolves; if this rejects, some chunks may be stored: `remove` them.
   */
  write(fileId: string, chunks: AsyncIterable<Uint8Array>, createdAt: string): Promise<number>
  /** The content, one chunk at a time, so that a reader never holds the whole file. */
  read(fileId: string, chunks: number): AsyncIterable<Uint8Array>
  /** Deletes the content of these files (nothing when there is none). */
  remove(fileIds: readonly string[], db?: Kysely<Schema>): Promise<void>
  /** Deletes content written before `before` whose file never got a row (an upload that died). */
  removeOrphans(before: string): Promise<number>
}

/** The default store: chunk rows in the gateway's database (`file_chunks`). */
export function databaseFileStore(database: Database): FileStore {
  return {
    async write(fileId, chunks, createdAt) {
      let seq = 0
      for await (const data of chunks) {
        // One short transaction per chunk: an upload that waits on a slow client never holds
        // the database's writer (SQLite has one) between chunks, and on SQLite the chunk
        // shares the group commit of whatever else is being written.
        const row = { file_id: fileId, seq, data, created_at: createdAt }
        await transaction(database, (trx) => trx.insertInto('file_chunks').values(row).execute())
        seq += 1
      }
      return seq
    },
    async *read(fileId, chunks) {
      for (let seq = 0; seq < chunks; seq += 1) {
        const row = await database.db
          .selectFrom('file_chunks')
          .select('data')
          .where('file_id', '=', fileId)
          .where('seq', '=', seq)
          .executeTakeFirst()
        if (!row) throw new Error(`chunk ${seq} of file ${fileId} is missing`)
        yield row.data
      }
    },
    async remove(fileIds, db) {
      if (fileIds.length === 0) return
      const remove = (target: Kysely<Schema>) =>
        target.deleteFrom('file_chunks').where('file_id', 'in', fileIds).execute()
      if (db) await remove(db)
      else await transaction(database, remove)
    },
    async removeOrphans(before) {
      const result = await transaction(database, (trx) =>
        trx
          .deleteFrom('file_chunks')
          .where('created_at', '<', before)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('files').select('id').whereRef('files.id', '=', 'file_chunks.file_id'))),
          )
          .executeTakeFirst(),
      )
      return Number(result.numDeletedRows)
    },
  }
}
