import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { type Database, openDatabase } from '../../src/storage/database.js'
import type { DialectName } from '../../src/storage/dialect.js'
import { migrateToLatest } from '../../src/storage/migrator.js'

/**
 * Which backend this run of the suite uses. `pnpm test` runs the whole suite once per
 * backend; a backend that cannot be reached fails the run rather than skipping it.
 */
export const backend: DialectName = process.env.HEJIE_TEST_DB === 'postgres' ? 'postgres' : 'sqlite'
export const postgresUrl = process.env.HEJIE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TestDatabase extends Database {
  /** Where it lives, for a second process (or a second gateway) to open the same data. */
  readonly location: { databaseUrl?: string; sqlitePath: string; searchPath?: string }
}

/**
 * A fresh, migrated database for one test: a temporary SQLite file, or a PostgreSQL schema
 * of its own in the test database. Removed when the test ends.
 */
export async function freshDatabase(t: Teardown, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const location =
    backend === 'postgres'
      ? await createPostgresSchema(t)
      : { sqlitePath: createSqliteFile(t), databaseUrl: undefined }
  const database = openDatabase({ ...location, poolSize: 8 })
  t.teardown(() => database.close())
  if (options.migrate ?? true) await migrateToLatest(database)
  return Object.assign(database, { location })
}

function createSqliteFile(t: Teardown): string {
  const dir = mkdtempSync(join(tmpdir(), 'hejie-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'hejie.db')
}

/** A PostgreSQL schema of its own in the test database, dropped when the test ends. */
export async function freshPostgresSchema(t: Teardown): Promise<string> {
  const schema = `test_${randomBytes(6).toString('hex')}`
  await adminQuery(`create schema ${schema}`)
  t.teardown(() => adminQuery(`drop schema ${schema} cascade`))
  return schema
}

async function createPostgresSchema(t: Teardown) {
  return { databaseUrl: postgresUrl, sqlitePath: ':memory:', searchPath: await freshPostgresSchema(t) }
}

/** Runs one statement on a connection of its own to the test run's PostgreSQL. */
export async function adminQuery(statement: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(statement, values)
  } finally {
    await client.end()
  }
}
