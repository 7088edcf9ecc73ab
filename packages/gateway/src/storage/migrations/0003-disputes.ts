import type { Kysely } from 'kysely'
import { columnTypes, type DialectName } from '../dialect.js'

/** Disputes and the records enterprises add to them: contacts, settlements, refunds; and the timeline. */
export function disputes(dialect: DialectName) {
  const { bigint } = columnTypes(dialect)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('disputes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('external_ref', 'text', (c) => c.notNull().unique())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('resolution', 'text')
        .addColumn('assignee_type', 'text', (c) => c.notNull())
        .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprises.id'))
        .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
        .addColumn('consumer_name', 'text')
        .addColumn('consumer_phone', 'text')
        .addColumn('personal_data_erased_at', 'text')
        .addColumn('problem_type', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('claim', 'text', (c) => c.notNull())
        .addColumn('purchase', 'text')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('assigned_at', 'text', (c) => c.notNull())
        .addColumn('respond_by', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'text')
        .addColumn('settled_at', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('overdue', 'integer', (c) => c.notNull())
        .addColumn('deadline_warned_at', 'text')
        .addColumn('overdue_notified_at', 'text')
        .addColumn('settlement', 'text')
        .addColumn('refunded_amount', bigint, (c) => c.notNull())
        .addColumn('outcome', 'text')
        .addColumn('feedback', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      // Newest-first lists walk ids (time-ordered): the primary key for a regulator, this for one enterprise.
      await db.schema
        .createIndex('disputes_enterprise_id')
        .on('disputes')
        .columns(['enterprise_id', 'id'])
        .execute()
      await db.schema
        .createIndex('disputes_status_respond_by')
        .on('disputes')
        .columns(['status', 'respond_by'])
        .execute()

      await db.schema
        .createTable('settlements')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
        .addColumn('enterprise_id', 'text', (c) => c.notNull())
        .addColumn('remedy', 'text', (c) => c.notNull())
        .addColumn('amount', bigint)
        .addColumn('terms', 'text', (c) => c.notNull())
        .addColumn('agreed_at', 'text', (c) => c.notNull())
        .addColumn('consent_method', 'text', (c) => c.notNull())
        .addColumn('consent_reference', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('settlements_dispute').on('settlements').column('dispute_id').execute()

      await db.schema
        .createTable('refunds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
        .addColumn('enterprise_id', 'text', (c) => c.notNull())
        .addColumn('settlement_id', 'text', (c) => c.notNull().references('settlements.id'))
        .addColumn('amount', bigint, (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('refunded_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('refunds_reference_per_enterprise', ['enterprise_id', 'reference'])
        .execute()
      await db.schema.createIndex('refunds_dispute').on('refunds').column('dispute_id').execute()

      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
        .addColumn('enterprise_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('contacted_at', 'text', (c) => c.notNull())
        .addColumn('reached', 'integer', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('contacts_dispute').on('contacts').column('dispute_id').execute()

      await db.schema
        .createTable('timeline_entries')
        .addColumn('leaf_index', bigint, (c) => c.primaryKey())
        .addColumn('dispute_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('timeline_entries_dispute')
        .on('timeline_entries')
        .columns(['dispute_id', 'leaf_index'])
        .execute()
    },
  }
}
