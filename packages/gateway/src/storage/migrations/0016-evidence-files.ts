import type { Kysely } from 'kysely'
import { columnTypes, type DialectName } from '../dialect.js'

/**
 * Evidence files (services/files/).
 *
 * - `files`: one row per uploaded file, written only once its content is stored whole, so a
 *   row always has all its chunks. `dispute_id` is null until an intake binds the file;
 *   `uploaded_by` (the client) is who may bind or read it meanwhile. `erased_at` is set when
 *   erasure deletes the content: the row, with its `sha256`, stays for the audit log.
 * - `file_chunks`: the content, in order, as bytes (`blob` / `bytea`, as the audit log's
 *   `canonical`). Chunks are written before their file row exists; `created_at` lets the purge
 *   job find those a crashed upload left without a row.
 * - `evidence_links`: which record (contact, settlement, refund, mediation record, or the
 *   dispute itself for intake and outcome) cites which file.
 */
export function evidenceFiles(dialect: DialectName) {
  const { bytes } = columnTypes(dialect)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('dispute_id', 'text')
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('chunks', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('erased_at', 'text')
        .execute()
      await db.schema.createIndex('files_dispute').on('files').columns(['dispute_id', 'id']).execute()
      // The purge job's scan: unbound files, oldest first.
      await db.schema.createIndex('files_unbound').on('files').columns(['dispute_id', 'created_at']).execute()

      await db.schema
        .createTable('file_chunks')
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('data', bytes, (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('file_chunks_pk', ['file_id', 'seq'])
        .execute()
      await db.schema.createIndex('file_chunks_created_at').on('file_chunks').column('created_at').execute()

      await db.schema
        .createTable('evidence_links')
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('dispute_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('evidence_links_pk', ['object_id', 'file_id'])
        .execute()
      await db.schema
        .createIndex('evidence_links_dispute')
        .on('evidence_links')
        .columns(['dispute_id', 'object_id'])
        .execute()
    },
  }
}
