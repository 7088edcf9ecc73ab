import type SQLite from 'better-sqlite3'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/** Distinct statement texts kept prepared; lists of varying length make new texts. */
const capacity = 1000

/**
 * The SQLite connection as Kysely's driver sees it, with each statement prepared once.
 * Kysely's SQLite driver calls `prepare` for every query it runs, and preparing (parsing
 * and planning the SQL) costs as much as running a short indexed query: the gateway runs a
 * few dozen distinct texts, so they are prepared once and kept. Past the capacity the oldest
 * text goes first (a hot one is then prepared again, once): cheaper on every query than
 * keeping a recency order. A statement still being iterated by a stream is busy and cannot
 * run a second query: then a fresh one is prepared for the caller and the cached one left to
 * its stream.
 */
export function preparingOnce(connection: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>()
  return {
    close: () => connection.close(),
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql)
      if (cached && !cached.busy) return cached
      const statement = connection.prepare(sql)
      if (!cached) {
        statements.set(sql, statement)
        if (statements.size > capacity) statements.delete(statements.keys().next().value as string)
      }
      return statement
    },
  }
}
