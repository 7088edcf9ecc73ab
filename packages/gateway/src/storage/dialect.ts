import { type ColumnDataType, type Expression, type Kysely, sql } from 'kysely'

export type DialectName = 'sqlite' | 'postgres'

/**
 * Column types that differ between the two backends. Everything else in the schema is
 * written once: times are RFC 3339 text (which sorts correctly as text), flags are 0/1
 * integers and JSON documents are text, so rows read back identically on both.
 */
export function columnTypes(dialect: DialectName): {
  bytes: Expression<unknown> | ColumnDataType
  bigint: ColumnDataType
} {
  return dialect === 'postgres'
    ? { bytes: sql`bytea`, bigint: 'bigint' }
    : { bytes: sql`blob`, bigint: 'integer' }
}

/**
 * SQL expressions whose spelling differs between the backends, over the text columns the
 * schema uses (RFC 3339 UTC times, JSON documents). Each gives the same value on both.
 */
export function sqlFunctions(dialect: DialectName) {
  const postgres = dialect === 'postgres'
  return {
    /** `YYYY-MM` of a stored UTC time in China Standard Time (a fixed UTC+8, as the bureau reports). */
    chinaMonth: (time: Expression<string>) =>
      postgres
        ? sql<string>`to_char(timezone('UTC', ${time}::timestamptz) + interval '8 hours', 'YYYY-MM')`
        : sql<string>`strftime('%Y-%m', ${time}, '+8 hours')`,
    /** Milliseconds from one stored UTC time to another (exact on both: SQLite keeps whole milliseconds). */
    millisecondsBetween: (start: Expression<string>, end: Expression<string>) =>
      postgres
        ? sql<number>`round(extract(epoch from (${end}::timestamptz - ${start}::timestamptz)) * 1000)`
        : sql<number>`cast(round((julianday(${end}) - julianday(${start})) * 86400000) as integer)`,
    /** A string member of a JSON document held as text (null when absent). */
    jsonString: (document: Expression<string | null>, key: string) =>
      postgres
        ? sql<string | null>`(${document}::jsonb ->> ${sql.lit(key)})`
        : sql<string | null>`json_extract(${document}, ${sql.lit(`$.${key}`)})`,
    /** Whether a member of a JSON document held as text is `true`. */
    jsonIsTrue: (document: Expression<string | null>, key: string) =>
      postgres
        ? sql<boolean>`(${document}::jsonb -> ${sql.lit(key)}) = 'true'::jsonb`
        : sql<boolean>`json_type(${document}, ${sql.lit(`$.${key}`)}) = 'true'`,
    /**
     * Ends a subquery so that it is kept as it is written. SQLite otherwise merges a subquery
     * into the GROUP BY over it and sorts whole rows rather than the few values the subquery
     * computes per row; a LIMIT (of none) stops the merge. PostgreSQL aggregates by hashing
     * and needs nothing.
     */
    unmerged: postgres ? sql`` : sql` limit -1`,
  }
}

/**
 * Runs a read-only aggregate without PostgreSQL's JIT compiler. Its cost estimate for a
 * statement with correlated lookups per row is high enough to trigger compilation, which
 * takes longer (about a quarter of a second) than the aggregate itself over a month of
 * disputes. SQLite has nothing to turn off.
 */
export async function withoutJit<DB, T>(
  db: Kysely<DB>,
  dialect: DialectName,
  read: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (dialect !== 'postgres') return read(db)
  return db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx)
    return read(trx)
  })
}
