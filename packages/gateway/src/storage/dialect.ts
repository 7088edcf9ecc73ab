import type { ColumnDataType, Expression } from 'kysely'
import { sql } from 'kysely'

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
