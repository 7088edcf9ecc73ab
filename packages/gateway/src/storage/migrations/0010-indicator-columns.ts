import { type Kysely, sql } from 'kysely'
import { type DialectName, sqlFunctions } from '../dialect.js'

/**
 * What the regulator's indicators need of a dispute's history and records, kept on its row
 * as plain values, so that a whole-table report reads one table and parses nothing:
 *
 * - `first_contact_at`: the earliest contact recorded by whoever holds it now (is the
 *   response rate's "contact by respond_by" met?);
 * - `escalated_at`: when it was first sent to administrative mediation, by an escalation or
 *   an outcome of `not_settled` (was a dispute the regulator closed mediated, or declined?);
 * - `feedback_satisfaction` and `feedback_resolved`: the consumer's callback answers, also
 *   in the `feedback` document (null without feedback);
 * - `handling_ms`: for a dispute closed as settled, the milliseconds from its assignment to
 *   its closing (the average handling time).
 *
 * Each is kept by the write that changes it, in its transaction. Existing rows take them from
 * their contacts, their timeline and their own documents and times.
 *
 * On SQLite an index holds exactly the columns a report reads (`disputes_indicators`): a
 * whole-table report then reads the index, a tenth of the table's size, instead of every row
 * with its documents. PostgreSQL reads the table itself as fast as it evaluates the report,
 * and an index-only scan would need every page marked all-visible, which a busy table is not.
 */
export function indicatorColumns(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const [column, type] of [
        ['first_contact_at', 'text'],
        ['escalated_at', 'text'],
        ['feedback_satisfaction', 'text'],
        ['feedback_resolved', 'integer'],
        ['handling_ms', dialect === 'postgres' ? 'bigint' : 'integer'],
      ] as const) {
        await db.schema.alterTable('disputes').addColumn(column, type).execute()
      }
      await deriveIndicatorColumns(db, dialect)
      if (dialect === 'sqlite') {
        await db.schema
          .createIndex('disputes_indicators')
          .on('disputes')
          .columns([...indicatorIndexColumns])
          .execute()
      }
    },
  }
}

/** Every column of `disputes` that the stats aggregate reads, the window's bound first. */
const indicatorIndexColumns = [
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
  'enterprise_id',
  'jurisdiction_id',
  'problem_type',
] as const

/** Sets the indicator columns of every dispute from its contacts, timeline, feedback and times. */
export async function deriveIndicatorColumns(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const fn = sqlFunctions(dialect)
  const column = (name: string) => sql.ref(`disputes.${name}`)
  await sql`
    update disputes set
      first_contact_at = (
        select min(c.contacted_at) from contacts c
        where c.dispute_id = disputes.id and c.enterprise_id = disputes.enterprise_id
      ),
      escalated_at = (
        select min(first.at) from (
          select min(t.at) as at from timeline_entries t
          where t.dispute_id = disputes.id and t.action in ('dispute.escalated', 'dispute.overdue_escalated')
          union all
          select ${fn.jsonString(column('outcome') as never, 'reported_at')}
          where ${fn.jsonString(column('outcome') as never, 'result')} = 'not_settled'
        ) as first
      ),
      feedback_satisfaction = ${fn.jsonString(column('feedback') as never, 'satisfaction')},
      feedback_resolved = case when feedback is null then null when ${fn.jsonIsTrue(column('feedback') as never, 'resolved')} then 1 else 0 end,
      handling_ms = case when resolution = 'settled' and closed_at is not null then ${fn.millisecondsBetween(
        column('assigned_at') as never,
        column('closed_at') as never,
      )} end`.execute(db)
}
