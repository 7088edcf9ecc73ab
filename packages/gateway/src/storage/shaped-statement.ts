import type { Insertable, Kysely, Updateable } from 'kysely'
import { type CompiledStatement, compiled, type StatementTarget } from './compiled-statement.js'
import type { Schema } from './schema.js'

/** Shapes kept compiled; a table written with more distinct column sets than this compiles the rest each time. */
const capacity = 500

const statements = new Map<string, CompiledStatement<Record<string, unknown>, unknown>>()

function shaped(
  key: string,
  build: () => CompiledStatement<Record<string, unknown>, unknown>,
): CompiledStatement<Record<string, unknown>, unknown> {
  let statement = statements.get(key)
  if (!statement) {
    statement = build()
    if (statements.size < capacity) statements.set(key, statement)
  }
  return statement
}

/** The builder over any table: what a shape sets is checked where the row is typed, by the callers' signatures. */
type AnyTables = Kysely<Record<string, Record<string, unknown>>>

/** The columns of `row` that have a value: Kysely leaves an undefined one out, and so does this. */
function definedColumns(row: object): string[] {
  return Object.keys(row).filter((column) => (row as Record<string, unknown>)[column] !== undefined)
}

/**
 * Inserts one row with a statement compiled once per table and set of columns. The write path
 * inserts an action's record on every request; building and compiling that insert with Kysely
 * cost more CPU than the database spent on it.
 */
export async function insertRow<T extends keyof Schema & string>(
  target: StatementTarget,
  table: T,
  row: Insertable<Schema[T]>,
): Promise<void> {
  const columns = definedColumns(row)
  const statement = shaped(`insert:${table}:${columns.join(',')}`, () =>
    compiled<Record<string, unknown>>()((db, p) =>
      (db as unknown as AnyTables)
        .insertInto(table as string)
        .values(Object.fromEntries(columns.map((column) => [column, p(column)]))),
    ),
  )
  await statement.execute(target, row as Record<string, unknown>)
}

/** Sets `changes` on the row of `table` whose `id` is `id`, compiled once per table and set of columns. */
export async function updateById<T extends keyof Schema & string>(
  target: StatementTarget,
  table: T,
  id: string,
  changes: Updateable<Schema[T]>,
): Promise<void> {
  const columns = definedColumns(changes)
  if (columns.length === 0) return
  const statement = shaped(`update:${table}:${columns.join(',')}`, () =>
    compiled<Record<string, unknown>>()((db, p) =>
      (db as unknown as AnyTables)
        .updateTable(table as string)
        .set(Object.fromEntries(columns.map((column) => [column, p(column)])))
        .where('id', '=', p('$id')),
    ),
  )
  await statement.execute(target, { ...(changes as Record<string, unknown>), $id: id })
}
