import type { Kysely } from 'kysely'

/**
 * The sandbox (`hejie-gateway start --sandbox`):
 *
 * - `sandbox_clock`: how far the deployment's "now" is ahead of real time. One row, in the
 *   database, so that every instance of a sandbox reads the same time; a database whose clock
 *   was moved is refused by a gateway started without `--sandbox`;
 * - `disputes.sandbox_scenario`: set on the disputes the sandbox generated, saying how its
 *   simulated consumer answers a confirmation request; null on every other dispute.
 */
export const sandbox = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sandbox_clock')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('offset_ms', 'bigint', (c) => c.notNull())
      .addColumn('moved_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.alterTable('disputes').addColumn('sandbox_scenario', 'text').execute()
  },
}
