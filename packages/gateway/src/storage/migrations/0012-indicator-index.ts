import { type Kysely, sql } from 'kysely'
import type { DialectName } from '../dialect.js'

/**
 * The stats index of SQLite (`disputes_indicators`, migration 0010) with the holder of each
 * dispute (`assignee_type`, `assignee_id`, migration 0011), which reports per assignee and per
 * enterprise read: every column a report reads stays in the index, so no report reads the
 * table. PostgreSQL has no such index (see 0010). A later migration that adds a column the
 * reports read makes the index again with it (`laterColumns`).
 */
export function indicatorIndex(dialect: DialectName, laterColumns: readonly string[] = []) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'sqlite') return
      await sql`drop index if exists disputes_indicators`.execute(db)
      await db.schema
        .createIndex('disputes_indicators')
        .on('disputes')
        .columns([
          'assigned_at',
          'status',
          'resolution',
          'overdue',
          'respond_by',
          'accepted_at',
          'first_contact_at',
          'escalated_at',
          'feedback_satisfaction',
          'feedback_resolved',
          'handling_ms',
          'refunded_amount',
          'assignee_type',
          'assignee_id',
          'enterprise_id',
          'jurisdiction_id',
          'problem_type',
          ...laterColumns,
        ])
        .execute()
    },
  }
}
