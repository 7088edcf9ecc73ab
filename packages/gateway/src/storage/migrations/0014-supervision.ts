import { type Kysely, sql } from 'kysely'
import { type DialectName, sqlFunctions } from '../dialect.js'
import { indicatorIndex } from './0012-indicator-index.js'

/**
 * Supervision (督办 and 行政调解):
 *
 * - `disputes.urge_count`, `last_urged_at`: how often a regulator urged the assignee now
 *   holding the dispute, and when last (the stats' `urged`);
 * - `disputes.mediation_due_at`: when administrative mediation must conclude, counted in
 *   working days from the escalation; `mediation_warned_at` and `mediation_overdue_at`
 *   record that the scanner sent `dispute.mediation_deadline_approaching` and
 *   `dispute.mediation_overdue`, once each;
 * - `disputes.resolution_ms`: for a dispute closed as settled or as mediated, the
 *   milliseconds from its receipt to its closing (`avg_days_to_resolution`);
 * - `mediation_records`: the bureau's record of each mediation session.
 *
 * Existing closed disputes take `resolution_ms` from their own times. Disputes escalated
 * before this migration have no mediation deadline: it was never set, and setting one now
 * would date it from an escalation that nobody was told would run against it.
 * SQLite's indicator index is made again with the two new columns the stats read.
 */
export function supervision(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('disputes')
        .addColumn('urge_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute()
      for (const [column, type] of [
        ['last_urged_at', 'text'],
        ['mediation_due_at', 'text'],
        ['mediation_warned_at', 'text'],
        ['mediation_overdue_at', 'text'],
        ['resolution_ms', dialect === 'postgres' ? 'bigint' : 'integer'],
      ] as const) {
        await db.schema.alterTable('disputes').addColumn(column, type).execute()
      }
      const fn = sqlFunctions(dialect)
      await sql`update disputes set resolution_ms = ${fn.millisecondsBetween(
        sql.ref('received_at') as never,
        sql.ref('closed_at') as never,
      )} where resolution in ('settled', 'mediated') and closed_at is not null`.execute(db)
      // The mediation scanner's two queries: escalated disputes by their mediation deadline.
      await db.schema
        .createIndex('disputes_mediation_due')
        .on('disputes')
        .columns(['status', 'mediation_due_at'])
        .execute()

      await db.schema
        .createTable('mediation_records')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('held_at', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('participants', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('agreement', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('mediation_records_dispute')
        .on('mediation_records')
        .columns(['dispute_id', 'id'])
        .execute()

      await indicatorIndex(dialect, ['urge_count', 'resolution_ms']).up(db)
    },
  }
}
