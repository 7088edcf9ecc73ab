import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Clock } from '../../src/domain/clock.js'
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
export async function freshDatabase(
  t: Teardown,
  options: { migrate?: boolean; clock?: Clock } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true
  const location =
    backend === 'postgres'
      ? await createPostgresSchema(t)
      : { sqlitePath: createSqliteFile(t), databaseUrl: undefined }
  // A migrated SQLite file is a copy of one migrated once per process: migrating costs more
  // than a test's own work, and a copy is the same file. Migrating it again finds nothing to do.
  if (backend === 'sqlite' && migrate) copyFileSync(await migratedSqliteTemplate(), location.sqlitePath)
  const database = openDatabase({
    ...location,
    poolSize: 8,
    ...(options.clock ? { clock: options.clock } : {}),
  })
  t.teardown(() => database.close())
  if (migrate) await migrateToLatest(database)
  return Object.assign(database, { location })
}

let sqliteTemplate: Promise<string> | undefined

/** A SQLite file migrated to the latest version, made once per process and removed at its exit. */
function migratedSqliteTemplate(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hejie-template-'))
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    const path = join(dir, 'hejie.db')
    const template = openDatabase({ sqlitePath: path })
    await migrateToLatest(template)
    // Closing the last connection checkpoints the WAL into the file and removes it: the
    // file alone is the whole database.
    await template.close()
    if (existsSync(`${path}-wal`)) throw new Error('the template database kept a WAL file')
    return path
  })()
  return sqliteTemplate
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
