import { type Kysely, sql } from 'kysely'

/**
 * Indexes for the regulator's indicators (`GET /v1/stats`), which count the disputes
 * assigned in a window: all of them, or one enterprise's. Per dispute they also ask whether
 * a contact was recorded in time (answered from the index alone) and, for the few disputes
 * the regulator closed, whether they were escalated first (a small index of escalations
 * only, so that neither backend reads the whole timeline).
 */
export const statsIndexes = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('disputes_assigned_at').on('disputes').column('assigned_at').execute()
    await db.schema
      .createIndex('disputes_enterprise_assigned_at')
      .on('disputes')
      .columns(['enterprise_id', 'assigned_at'])
      .execute()
    await db.schema
      .createIndex('contacts_dispute_enterprise_time')
      .on('contacts')
      .columns(['dispute_id', 'enterprise_id', 'contacted_at'])
      .execute()
    await db.schema
      .createIndex('timeline_entries_escalations')
      .on('timeline_entries')
      .column('dispute_id')
      .where(sql.ref('action'), 'in', [sql.lit('dispute.escalated'), sql.lit('dispute.overdue_escalated')])
      .execute()
  },
}
