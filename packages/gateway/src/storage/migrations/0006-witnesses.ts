import type { Kysely } from 'kysely'
import { columnTypes, type DialectName } from '../dialect.js'

/**
 * Witnessed checkpoints: each checkpoint also as a C2SP signed note, witness clients with
 * their verifier keys, and the cosignatures witnesses submit. Checkpoints signed before
 * this migration get their note when first asked for it, signed by the key of their JWS.
 */
export function witnesses(dialect: DialectName) {
  const { bigint } = columnTypes(dialect)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('audit_checkpoints').addColumn('note', 'text').execute()
      await db.schema.alterTable('api_clients').addColumn('witness_key', 'text').execute()
      await db.schema
        .createTable('audit_cosignatures')
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('tree_size', bigint, (c) => c.notNull())
        .addColumn('root_hash', 'text', (c) => c.notNull())
        .addColumn('timestamp', bigint, (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_cosignatures_pkey', ['client_id', 'timestamp'])
        .execute()
      // A checkpoint's cosignatures are read by its size (and root); a witness's last by its client.
      await db.schema
        .createIndex('audit_cosignatures_tree_size')
        .on('audit_cosignatures')
        .column('tree_size')
        .execute()
    },
  }
}
