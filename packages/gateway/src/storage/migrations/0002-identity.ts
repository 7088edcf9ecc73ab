import type { Kysely } from 'kysely'

/** Enterprises, their API clients, and the gateway's signing keys. */
export const identity = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('enterprises')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('uscc', 'text', (c) => c.notNull().unique())
      .addColumn('address', 'text')
      .addColumn('contact_name', 'text', (c) => c.notNull())
      .addColumn('contact_phone', 'text', (c) => c.notNull())
      .addColumn('contact_email', 'text')
      .addColumn('odr_status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('api_clients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('enterprise_id', 'text', (c) => c.references('enterprises.id'))
      .addColumn('scopes', 'text')
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute()
    await db.schema
      .createIndex('api_clients_enterprise')
      .on('api_clients')
      .columns(['enterprise_id', 'id'])
      .execute()
    await db.schema.createIndex('api_clients_revoked_at').on('api_clients').column('revoked_at').execute()

    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('encrypted_private_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .execute()
  },
}
