import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { DisputeTable } from '../../storage/schema.js'
import type { DisputeStatus } from './lifecycle.js'

/**
 * Where a dispute stands against its deadline (`respond_by`), written once for the code and
 * once, beside it, as SQL for the queries that filter or count by it: the list's `overdue`
 * filter, the regulator's indicators and the deadline scanner.
 */

/** Statuses in which the enterprise still owes the consumer an answer (the deadline runs). */
const awaitingStatuses: readonly DisputeStatus[] = ['assigned', 'in_progress']

function isAwaitingEnterprise(status: DisputeStatus): boolean {
  return awaitingStatuses.includes(status)
}

/**
 * Overdue: marked so (a mark stays, whatever happens to the dispute after), or still
 * awaiting the enterprise after `respond_by`, at once, before any scan marks it.
 */
export function isOverdue(row: Pick<DisputeTable, 'overdue' | 'status' | 'respond_by'>, now: Date): boolean {
  return (
    row.overdue === 1 ||
    (isAwaitingEnterprise(row.status) && row.respond_by !== null && row.respond_by < now.toISOString())
  )
}

/** A column of `disputes`, qualified by the table's alias when the query gives it one. */
function column(alias: string | undefined, name: keyof DisputeTable) {
  return sql.ref(alias === undefined ? name : `${alias}.${name}`)
}

/**
 * `isAwaitingEnterprise` as SQL. The column is compared as it is stored (no function around
 * it), so the scanner's queries keep using the `(status, respond_by)` index.
 */
export function awaitingEnterpriseSql(alias?: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${column(alias, 'status')} in (${sql.join(awaitingStatuses.map((status) => sql.lit(status)))})`
}

/** `isOverdue` as SQL, against `now` (RFC 3339 UTC text, which compares as times do). */
export function overdueSql(now: string, alias?: string): RawBuilder<SqlBool> {
  // `respond_by` is null while the centre holds a dispute: "is not null" keeps the whole
  // condition false there, never unknown, so that `not overdue` holds for it too.
  return sql<SqlBool>`(${column(alias, 'overdue')} = 1 or (${awaitingEnterpriseSql(alias)} and ${column(alias, 'respond_by')} is not null and ${column(alias, 'respond_by')} < ${now}))`
}
