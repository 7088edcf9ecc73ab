import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { CompiledQuery, type DatabaseConnection, type Driver, Kysely, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { type Clock, systemClock } from '../domain/clock.js'
import type { DialectName } from './dialect.js'
import { ConnectionUnavailableError } from './failures.js'
import { CurrentSchemaPostgresDialect } from './postgres-dialect.js'
import { preparingOnce as preparingOnceOnPostgres } from './postgres-prepared.js'
import { ReadWorkers } from './read-workers.js'
import type { Schema } from './schema.js'
import { preparingOnce } from './statement-cache.js'

export interface DatabaseOptions {
  /** A postgres:// URL; without it the embedded SQLite file is used. */
  databaseUrl?: string | undefined
  sqlitePath: string
  poolSize?: number
  /** PostgreSQL schema to work in (tests give each file its own). */
  searchPath?: string
  /** What the deployment reads as "now" (the system's clock unless a test or the sandbox sets one). */
  clock?: Clock
  /**
   * How long a SQLite statement waits for another process's lock before failing with
   * SQLITE_BUSY (a 503). 5 s unless set; better-sqlite3 waits synchronously, so keep it short.
   */
  sqliteBusyTimeoutMs?: number
}

export interface Database {
  readonly db: Kysely<Schema>
  readonly dialect: DialectName
  /**
   * The deployment's clock. It travels with the database because every part that opens the
   * database needs it, and a deployment's time is shared by its instances as its data is.
   */
  readonly clock: Clock
  /** The PostgreSQL schema holding the tables, when not the default. */
  readonly schema?: string | undefined
  /**
   * SQLite in a file: worker threads with read-only connections of their own, for reads of
   * many rows (the whole-table reports), split into parts that run beside each other and
   * beside the event loop. Absent on PostgreSQL, whose server runs statements itself, and on
   * an in-memory SQLite database, which no other connection can open.
   */
  readonly readWorkers?: ReadWorkers | undefined
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>
  /**
   * After personal data is erased: removes what the database's files still hold of the data
   * as it was, as far as the backend allows. SQLite overwrites deleted content as it goes
   * (`secure_delete`); here its write-ahead log, which still holds the pages as they were
   * before the erasure, is checkpointed into the database and truncated. PostgreSQL has no
   * such control: old row versions stay in its files until vacuum reuses their space, and in
   * its WAL archives and backups (docs/operations.md says what the operator must do).
   */
  forgetOverwrittenData(): Promise<void>
  close(): Promise<void>
}

// BIGINT columns hold sequences and leaf indices, far below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export function openDatabase(options: DatabaseOptions): Database {
  const clock = options.clock ?? systemClock
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options, clock)
    : openSqlite(options.sqlitePath, clock, options.sqliteBusyTimeoutMs ?? 5000)
}

function openSqlite(path: string, clock: Clock, busyTimeoutMs: number): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const connection = new SQLite(path)
  // WAL lets readers run beside the one writer; FULL makes every acknowledged commit durable.
  connection.pragma('journal_mode = WAL')
  connection.pragma('synchronous = FULL')
  connection.pragma('foreign_keys = ON')
  connection.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`)
  // Deleted and overwritten content is zeroed, not left in free space and free pages where
  // an erased consumer's name and phone could be read back from the file.
  connection.pragma('secure_delete = ON')
  const db = new Kysely<Schema>({
    dialect: new ImmediateSqliteDialect({ database: preparingOnce(connection) }, connection),
  })
  const readWorkers = path === ':memory:' ? undefined : new ReadWorkers(path, busyTimeoutMs)
  return {
    db,
    dialect: 'sqlite',
    clock,
    readWorkers,
    async ping() {
      await sql`select 1`.execute(db)
    },
    async forgetOverwrittenData() {
      // Copies the current pages into the database and empties the log. Another process
      // reading at this moment (a worker) can keep part of the log alive: then the next
      // checkpoint, automatic or after the next erasure, finishes the work.
      connection.pragma('wal_checkpoint(TRUNCATE)')
    },
    async close() {
      await readWorkers?.close()
      await db.destroy()
    },
  }
}

/**
 * SQLite's default `BEGIN` is deferred: a transaction that reads before it writes takes the
 * write lock only at its first write, and if another process (a `hejie-gateway worker`
 * beside the gateway, an administrative command) committed in between, SQLite fails it at
 * once with SQLITE_BUSY instead of waiting out `busy_timeout`. Every transaction here may
 * write, so each takes the lock when it begins and waits its turn.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    config: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly sqlite: SQLite.Database,
  ) {
    super(config)
  }

  override createDriver(): Driver {
    const driver = super.createDriver()
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'))
    }
    // Some errors (SQLITE_FULL, SQLITE_IOERR…) make SQLite roll the whole transaction back
    // itself. A ROLLBACK after that fails, and its error would hide the one that matters.
    driver.rollbackTransaction = async (connection: DatabaseConnection) => {
      if (this.sqlite.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'))
    }
    return driver
  }
}

function openPostgres(url: string, options: DatabaseOptions, clock: Clock): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  })
  // A client that loses its server must not crash the process, idle in the pool or checked
  // out between two queries: its next query reports it, and the pool drops it on release.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  // Failing to get a connection means the database is unavailable, whatever the server said.
  const connections = {
    connect: () =>
      pool.connect().then(preparingOnceOnPostgres, (error: unknown) => {
        throw new ConnectionUnavailableError(error)
      }),
    end: () => pool.end(),
  }
  const db = new Kysely<Schema>({ dialect: new CurrentSchemaPostgresDialect({ pool: connections }) })
  return {
    db,
    dialect: 'postgres',
    clock,
    schema: options.searchPath,
    async ping() {
      await sql`select 1`.execute(db)
    },
    async forgetOverwrittenData() {},
    async close() {
      await db.destroy()
    },
  }
}
