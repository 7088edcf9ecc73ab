import { Migrator } from 'kysely'
import type { Database } from './database.js'
import { migrationProvider } from './migrations/index.js'

function migratorFor(database: Database): Migrator {
  return new Migrator({
    db: database.db,
    provider: migrationProvider(database.dialect),
    migrationTableName: 'hejie_migrations',
    migrationLockTableName: 'hejie_migrations_lock',
    // A number may be reserved and land after a later one has run (0010 after 0011): it is
    // run then, in its turn among those still pending. Every migration stands on its own.
    allowUnorderedMigrations: true,
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  })
}

/** Brings the schema up to date; several processes starting at once migrate it once. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const { error, results } = await migratorFor(database).migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Names of the migrations that this code knows but the database has not run. */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const migrations = await migratorFor(database).getMigrations()
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name)
}
