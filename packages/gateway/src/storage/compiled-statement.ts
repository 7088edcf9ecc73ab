import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely'
import type { DialectName } from './dialect.js'
import type { Schema } from './schema.js'

/** The connection a statement runs on, and which backend's SQL it must be compiled to. */
export interface StatementTarget {
  readonly db: Kysely<Schema>
  readonly dialect: DialectName
}

/**
 * The placeholder of a parameter (of row `row`, in a multi-row statement), for the builder:
 * it stands where the value will go, typed as the value, and compiling turns it into a bound
 * parameter like any other value.
 */
export type Parameter<P> = <K extends keyof P & string>(name: K, row?: number) => P[K]

interface Compiled {
  sql: string
  /** For each bound parameter: the row and name of the value it takes, or the constant it keeps. */
  slots: readonly ({ row: number; name: string } | { value: unknown })[]
}

const marker = '\u0000hejie-parameter:'

/**
 * A statement built and compiled once per backend and row count, then run with new values.
 * Building a query with Kysely and compiling it to SQL costs more CPU than SQLite takes to
 * run a short indexed statement, and a write runs a dozen of them every time with the same
 * text: here each is compiled on first use and afterwards only its parameters are bound.
 *
 * The builder receives `p`, which gives the placeholder of each parameter by name (and row,
 * for a statement over several rows: `rows` tells how many), and must pass placeholders as
 * plain values. Every value that varies must be a parameter; a constant written into the
 * builder stays the same in every run.
 */
export class CompiledStatement<P extends object, R> {
  private readonly compiled = new Map<string, Compiled>()

  constructor(private readonly build: (db: Kysely<Schema>, p: Parameter<P>, rows: number) => Compilable<R>) {}

  /** Runs the statement with the values of one row, or of each of `rows` (a multi-row statement). */
  execute(target: StatementTarget, values: P | readonly P[]): Promise<QueryResult<R>> {
    const rows: readonly P[] = Array.isArray(values) ? values : [values as P]
    const compiled = this.compiledFor(target, rows.length)
    const parameters = compiled.slots.map((slot) => {
      if (!('name' in slot)) return slot.value
      const value = (rows[slot.row] as Record<string, unknown>)[slot.name]
      // Kysely leaves a column whose value is undefined out of an insert; a compiled statement
      // has every column in its text, so a missing value is a mistake, not a default.
      if (value === undefined)
        throw new Error(`compiled statement: no value for ${slot.name} (row ${slot.row})`)
      return value
    })
    return target.db.executeQuery(CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>)
  }

  private compiledFor(target: StatementTarget, rows: number): Compiled {
    const key = `${target.dialect}:${rows}`
    let compiled = this.compiled.get(key)
    if (!compiled) {
      const p = ((name: string, row = 0) => `${marker}${row}:${name}`) as Parameter<P>
      const query = this.build(target.db, p, rows).compile()
      const slots = query.parameters.map((value) => {
        if (typeof value !== 'string' || !value.startsWith(marker)) return { value }
        const [row, name] = value.slice(marker.length).split(/:(.*)/s) as [string, string]
        return { row: Number(row), name }
      })
      compiled = { sql: query.sql, slots }
      this.compiled.set(key, compiled)
    }
    return compiled
  }
}

/**
 * A compiled statement over parameters `P`, its result type taken from the builder:
 * `compiled<{ id: string }>()((db, p) => db.selectFrom('t').selectAll().where('id', '=', p('id')))`.
 */
export function compiled<P extends object>() {
  return <R>(build: (db: Kysely<Schema>, p: Parameter<P>, rows: number) => Compilable<R>) =>
    new CompiledStatement<P, R>(build)
}
