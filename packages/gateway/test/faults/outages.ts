/**
 * Ways to take the test database out of reach and bring it back, one per backend.
 *
 * PostgreSQL: the gateway gets a database of its own, which the fault makes refuse new
 * connections (`ALTER DATABASE … ALLOW_CONNECTIONS false`) and whose open sessions it
 * terminates (`pg_terminate_backend`), as a failover or a restart of the server would.
 * SQLite: another process takes the file's write lock and keeps it, so that every write
 * of the gateway fails once its busy timeout runs out. (A WAL database cannot be locked
 * against readers while the gateway has it open: its reads go on.)
 */

import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../../src/storage/database.js'
import { migrateToLatest } from '../../src/storage/migrator.js'
import { adminQuery, backend, postgresUrl, type TestDatabase } from '../helpers/database.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface Outage {
  database: TestDatabase
  /** Whether reads fail too during the outage, or only writes. */
  readsFail: boolean
  /** Takes the database out of reach: connections refused, open ones terminated. */
  cut(): Promise<void>
  /** Brings it back. The gateway is not told. */
  restore(): Promise<void>
}

/** How long a SQLite statement waits for a lock in these tests (better-sqlite3 waits synchronously). */
const SQLITE_BUSY_TIMEOUT_MS = 150
const lockHolder = fileURLToPath(new URL('./hold-sqlite-lock.mjs', import.meta.url))

export async function outage(t: Teardown): Promise<Outage> {
  return backend === 'postgres' ? postgresOutage(t) : sqliteOutage(t)
}

/**
 * A migrated PostgreSQL database of its own (not a schema in the shared test database), so
 * that a fault can refuse connections to it or terminate its sessions and touch nothing else.
 */
export async function postgresFaultDatabase(
  t: Teardown,
): Promise<{ database: TestDatabase; name: string; url: string }> {
  const name = `hejie_fault_${randomBytes(5).toString('hex')}`
  await adminQuery(`create database ${name}`)
  t.teardown(() => adminQuery(`drop database if exists ${name} with (force)`))
  const url = new URL(postgresUrl)
  url.pathname = `/${name}`
  const location = { databaseUrl: url.toString(), sqlitePath: ':memory:' }
  const database = openDatabase({ ...location, poolSize: 8 })
  t.teardown(() => database.close())
  await migrateToLatest(database)
  return { database: Object.assign(database, { location }), name, url: location.databaseUrl }
}

async function postgresOutage(t: Teardown): Promise<Outage> {
  const { database, name } = await postgresFaultDatabase(t)
  return {
    database,
    readsFail: true,
    async cut() {
      await adminQuery(`alter database ${name} with allow_connections false`)
      await adminQuery('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name])
    },
    async restore() {
      await adminQuery(`alter database ${name} with allow_connections true`)
    },
  }
}

async function sqliteOutage(t: Teardown): Promise<Outage> {
  const dir = mkdtempSync(join(tmpdir(), 'hejie-fault-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const location = { sqlitePath: join(dir, 'hejie.db'), databaseUrl: undefined }
  const database = openDatabase({ ...location, sqliteBusyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS })
  t.teardown(() => database.close())
  await migrateToLatest(database)
  let holder: ChildProcess | undefined
  const release = async () => {
    const running = holder
    holder = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = once(running, 'exit')
    running.kill()
    await exited
  }
  t.teardown(release)
  return {
    database: Object.assign(database, { location }),
    readsFail: false,
    async cut() {
      // Another process: the lock must be taken while the gateway's event loop keeps running.
      holder = spawn(process.execPath, [lockHolder, location.sqlitePath], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const [line] = (await once(holder.stdout as NodeJS.ReadableStream, 'data')) as [Buffer]
      if (line.toString().trim() !== 'locked') throw new Error(`the lock holder said ${line}`)
    },
    async restore() {
      await release()
    },
  }
}
