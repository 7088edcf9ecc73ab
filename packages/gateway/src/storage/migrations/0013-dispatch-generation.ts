import { randomBytes } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { DialectName } from '../dialect.js'

/**
 * `dispatch_generation`: one row whose token changes whenever what the dispatcher reads
 * changes, so that every gateway instance can keep each jurisdiction's routing rules in
 * memory and read them again only when they changed (`services/dispatch/rule-books.ts`).
 *
 * Triggers change it, not the services: a rule, a unit or the tree written by any path (the
 * API, the demo data, a migration, an operator's SQL) invalidates every instance's copy in
 * the same transaction. The token is random rather than a counter, so that two databases
 * served by one process never share one.
 *
 * What the dispatcher reads: every column of `routing_rules`; a unit's jurisdiction, name,
 * kind and status; and `jurisdiction_closure` (a jurisdiction's chain of ancestors).
 */
const watched = [
  { table: 'routing_rules', update: 'update' },
  { table: 'handling_units', update: 'update of jurisdiction_id, name, kind, status' },
  { table: 'jurisdiction_closure', update: 'update' },
] as const

export function dispatchGeneration(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('dispatch_generation')
        .addColumn('generation', 'text', (c) => c.notNull())
        .execute()
      await sql`insert into dispatch_generation (generation) values (${randomBytes(16).toString('hex')})`.execute(
        db,
      )
      if (dialect === 'postgres') {
        await sql`
          create function dispatch_generation_next() returns trigger language plpgsql as $$
          begin
            update dispatch_generation set generation = md5(random()::text || clock_timestamp()::text);
            return null;
          end
          $$`.execute(db)
        for (const { table, update } of watched) {
          await sql
            .raw(
              `create trigger ${table}_dispatch_generation after insert or delete or ${update} or truncate
               on ${table} for each statement execute function dispatch_generation_next()`,
            )
            .execute(db)
        }
        return
      }
      for (const { table, update } of watched) {
        for (const [suffix, event] of [
          ['insert', 'insert'],
          ['delete', 'delete'],
          ['update', update],
        ] as const) {
          await sql
            .raw(
              `create trigger ${table}_dispatch_generation_${suffix} after ${event} on ${table}
               begin update dispatch_generation set generation = lower(hex(randomblob(16))); end`,
            )
            .execute(db)
        }
      }
    },
  }
}
