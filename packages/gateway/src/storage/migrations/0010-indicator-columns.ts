import { type Kysely, sql } from 'kysely'

/**
 * What the regulator's indicators need of a dispute's history, kept on its row so that the
 * whole-table report reads one table: `first_contact_at`, the earliest contact recorded by
 * the enterprise now holding it (is the response rate's "contact by respond_by" met?), and
 * `escalated_at`, when it was first sent to administrative mediation by an escalation
 * (was a dispute the regulator closed mediated, or declined?). Both are kept by the write
 * that changes them, in its transaction. Existing rows take them from their contacts and
 * their timeline.
 */
export const indicatorColumns = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('disputes').addColumn('first_contact_at', 'text').execute()
    await db.schema.alterTable('disputes').addColumn('escalated_at', 'text').execute()
    await deriveIndicatorColumns(db)
  },
}

/** Sets both columns of every dispute from its contacts and its timeline. */
export async function deriveIndicatorColumns(db: Kysely<unknown>): Promise<void> {
  await sql`
      update disputes set
        first_contact_at = (
          select min(c.contacted_at) from contacts c
          where c.dispute_id = disputes.id and c.enterprise_id = disputes.enterprise_id
        ),
        escalated_at = (
          select min(t.at) from timeline_entries t
          where t.dispute_id = disputes.id and t.action in ('dispute.escalated', 'dispute.overdue_escalated')
        )`.execute(db)
}
