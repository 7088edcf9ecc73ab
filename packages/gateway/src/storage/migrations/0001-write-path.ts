import type { Kysely } from 'kysely'
import { columnTypes, type DialectName } from '../dialect.js'

/**
 * The tables that every write touches in its one transaction: the idempotency record,
 * the event outbox and the audit log.
 */
export function writePath(dialect: DialectName) {
  const { bytes, bigint } = columnTypes(dialect)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['client_id', 'key'])
        .execute()
      await db.schema
        .createIndex('idempotency_keys_created_at')
        .on('idempotency_keys')
        .column('created_at')
        .execute()

      await db.schema
        .createTable('events')
        .addColumn('sequence', bigint, (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('enterprise_id', 'text')
        .addColumn('dispute_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('events_enterprise_sequence')
        .on('events')
        .columns(['enterprise_id', 'sequence'])
        .execute()

      await db.schema
        .createTable('audit_entries')
        .addColumn('leaf_index', bigint, (c) => c.primaryKey())
        .addColumn('leaf_hash', bytes, (c) => c.notNull())
        .addColumn('canonical', bytes, (c) => c.notNull())
        .addColumn('dispute_id', 'text')
        .addColumn('enterprise_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('audit_entries_enterprise')
        .on('audit_entries')
        .columns(['enterprise_id', 'leaf_index'])
        .execute()

      await db.schema
        .createTable('audit_nodes')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('position', bigint, (c) => c.notNull())
        .addColumn('hash', bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_nodes_pk', ['level', 'position'])
        .execute()

      // The salts of personal-data commitments live apart from the entries: erasing a
      // consumer's data deletes the salt, and the commitment becomes unlinkable to them.
      await db.schema
        .createTable('audit_salts')
        .addColumn('leaf_index', bigint, (c) => c.primaryKey())
        .addColumn('dispute_id', 'text', (c) => c.notNull())
        .addColumn('salt', bytes, (c) => c.notNull())
        .execute()
      await db.schema.createIndex('audit_salts_dispute').on('audit_salts').column('dispute_id').execute()

      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('tree_size', bigint, (c) => c.primaryKey())
        .addColumn('root_hash', bytes, (c) => c.notNull())
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute()
    },
  }
}
