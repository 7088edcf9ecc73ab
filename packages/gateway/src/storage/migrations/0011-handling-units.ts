import { type Kysely, sql } from 'kysely'
import { nameKey } from '../../domain/dispatch/names.js'
import type { DialectName } from '../dialect.js'

/**
 * Handling units and the dispatcher (接诉即办).
 *
 * - `handling_units`: the bureau's own units (centre, divisions, stations, task forces),
 *   each in one jurisdiction; API clients gain `unit_id` for the role `unit`.
 * - `routing_rules`: conditions → a unit, per jurisdiction, read nearest jurisdiction first
 *   and by priority within one (the index serves exactly that read).
 * - `enterprises.aliases`: other names the respondent may be known by (JSON array);
 *   `enterprise_names`: the normalised name and aliases of each enterprise, for matching.
 * - `disputes`: the typed assignee (`assignee_type`, `assignee_id`), the respondent named at
 *   intake and the dispatcher's `routing`. `enterprise_id` becomes nullable (null while a
 *   unit holds the dispute) and so does `respond_by` (null while the centre holds it: no
 *   deadline runs before the complaint is dispatched). Existing disputes are held by their
 *   enterprise.
 *
 * SQLite cannot drop a NOT NULL constraint: its `disputes` table is rebuilt from its own
 * definition with the two constraints removed, its indexes recreated as they were. Foreign
 * keys are off meanwhile (migrations on SQLite run outside a transaction), so that dropping
 * the old table does not check the rows that refer to it.
 */
export function handlingUnits(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('handling_units')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('jurisdiction_id', 'text', (c) => c.notNull().references('jurisdictions.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      // The centre of a jurisdiction (the dispatcher's fallback) and a subtree's units.
      await db.schema
        .createIndex('handling_units_jurisdiction_kind')
        .on('handling_units')
        .columns(['jurisdiction_id', 'kind', 'status'])
        .execute()

      await db.schema
        .createTable('routing_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('jurisdiction_id', 'text', (c) => c.notNull().references('jurisdictions.id'))
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('conditions', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'text', (c) => c.notNull().references('handling_units.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('routing_rules_jurisdiction_priority')
        .on('routing_rules')
        .columns(['jurisdiction_id', 'enabled', 'priority', 'id'])
        .execute()

      await db.schema.alterTable('api_clients').addColumn('unit_id', 'text').execute()

      await db.schema
        .alterTable('enterprises')
        .addColumn('aliases', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute()
      // The normalised name and each normalised alias of every enterprise: the dispatcher
      // finds a respondent's enterprise by name with one indexed lookup.
      await db.schema
        .createTable('enterprise_names')
        .addColumn('name_key', 'text', (c) => c.notNull())
        .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprises.id'))
        .addPrimaryKeyConstraint('enterprise_names_pkey', ['name_key', 'enterprise_id'])
        .execute()
      const enterprises = await sql<{ id: string; name: string }>`select id, name from enterprises`.execute(
        db,
      )
      for (const enterprise of enterprises.rows) {
        await sql`insert into enterprise_names (name_key, enterprise_id)
          values (${nameKey(enterprise.name)}, ${enterprise.id})`.execute(db)
      }

      if (dialect === 'postgres') {
        await sql`alter table disputes alter column enterprise_id drop not null`.execute(db)
        await sql`alter table disputes alter column respond_by drop not null`.execute(db)
      } else {
        await rebuildSqliteDisputes(db)
      }
      await db.schema.alterTable('disputes').addColumn('assignee_id', 'text').execute()
      await db.schema.alterTable('disputes').addColumn('respondent', 'text').execute()
      await db.schema.alterTable('disputes').addColumn('routing', 'text').execute()
      await sql`update disputes set assignee_id = enterprise_id, assignee_type = 'enterprise'`.execute(db)
      // A unit's list walks its own disputes newest first, as an enterprise's does.
      await db.schema
        .createIndex('disputes_assignee_id')
        .on('disputes')
        .columns(['assignee_id', 'id'])
        .execute()
      await db.schema
        .createIndex('disputes_assignee_assigned_at')
        .on('disputes')
        .columns(['assignee_id', 'assigned_at'])
        .execute()
    },
  }
}

async function rebuildSqliteDisputes(db: Kysely<unknown>): Promise<void> {
  const table = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'table' and name = 'disputes'`.execute(db)
  const definition = table.rows[0]?.sql
  if (!definition) throw new Error('no disputes table to rebuild')
  const relaxed = definition
    .replace(/("enterprise_id" text) not null/i, '$1')
    .replace(/("respond_by" text) not null/i, '$1')
    .replace(/create table "?disputes"?/i, 'create table "disputes_rebuilt"')
  if (relaxed === definition || /"enterprise_id" text not null|"respond_by" text not null/i.test(relaxed)) {
    throw new Error('the disputes table does not have the expected definition')
  }
  const indexes = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = 'disputes' and sql is not null`.execute(
    db,
  )
  await sql`pragma foreign_keys = off`.execute(db)
  try {
    await sql.raw(relaxed).execute(db)
    await sql`insert into disputes_rebuilt select * from disputes`.execute(db)
    await sql`drop table disputes`.execute(db)
    await sql`alter table disputes_rebuilt rename to disputes`.execute(db)
    for (const index of indexes.rows) await sql.raw(index.sql).execute(db)
    const broken = await sql`pragma foreign_key_check`.execute(db)
    if (broken.rows.length > 0) throw new Error('rebuilding disputes broke a foreign key')
  } finally {
    await sql`pragma foreign_keys = on`.execute(db)
  }
}
