import type { Kysely } from 'kysely'
import type { DialectName } from '../dialect.js'
import { indicatorIndex } from './0012-indicator-index.js'

/**
 * Consumer confirmation (the consumer's own 回访):
 *
 * - `confirmation_requests`: each one-time link sent to the consumer. Only the SHA-256 of its
 *   token is kept (a copy of the database opens no link), and the code as a hash bound to
 *   that token; `failed_attempts` voids the link at five;
 * - `settlements.consumer_confirmation`: the consumer's answer, as JSON, once given;
 * - `disputes.consumer_decision`, `consumer_rating`: the same answer as plain columns, which
 *   the stats count (`consumer_confirmed_rate`, `consumer_satisfaction_rate`).
 *
 * Nothing existing has an answer, so nothing is back-filled. SQLite's indicator index is made
 * again with the two columns the stats now read.
 */
export function consumerConfirmation(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('confirmation_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
        .addColumn('settlement_id', 'text', (c) => c.notNull().references('settlements.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .execute()
      await db.schema
        .createIndex('confirmation_requests_dispute')
        .on('confirmation_requests')
        .columns(['dispute_id', 'status'])
        .execute()
      await db.schema.alterTable('settlements').addColumn('consumer_confirmation', 'text').execute()
      await db.schema.alterTable('disputes').addColumn('consumer_decision', 'text').execute()
      await db.schema.alterTable('disputes').addColumn('consumer_rating', 'text').execute()
      await indicatorIndex(dialect, [
        'urge_count',
        'resolution_ms',
        'consumer_decision',
        'consumer_rating',
      ]).up(db)
    },
  }
}
