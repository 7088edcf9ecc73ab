import type { Kysely } from 'kysely'

/**
 * Sign-in sessions of the web console (`/console`). The browser holds a random secret in an
 * HttpOnly cookie; only its SHA-256 is kept here, so a copy of the database signs no one in.
 * A row ends by sign-out, by its absolute or idle expiry, or by its client's revocation
 * (checked on every use, against `api_clients`).
 */
export const consoleSessions = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('console_sessions')
      .addColumn('secret_hash', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('api_clients.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('idle_expires_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex('console_sessions_client')
      .on('console_sessions')
      .column('client_id')
      .execute()
    await db.schema
      .createIndex('console_sessions_idle_expiry')
      .on('console_sessions')
      .column('idle_expires_at')
      .execute()
  },
}
