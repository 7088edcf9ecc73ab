import type { Kysely } from 'kysely'

/**
 * The sandbox's movable clock: how far the deployment's "now" is ahead of real time. One row,
 * in the database, so that every instance of a sandbox reads the same time; a database whose
 * clock was moved is refused by a gateway started without `--sandbox`.
 */
export const sandboxClock = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sandbox_clock')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('offset_ms', 'bigint', (c) => c.notNull())
      .addColumn('moved_at', 'text', (c) => c.notNull())
      .execute()
  },
}
