import { type Kysely, sql } from 'kysely'
import { newId } from '../../domain/ids.js'

/**
 * The tree of jurisdictions a deployment serves (city → district → station), with its
 * closure table: one row per (ancestor, descendant) pair, a node being its own ancestor at
 * depth 0, so that "within this subtree" is one indexed lookup on either database.
 *
 * The root is made here, so every existing row has a node to belong to: disputes (already
 * carrying the placeholder `root`), enterprises, API clients, webhook endpoints, events and
 * audit entries all move under it. The bureau names it afterwards (`PATCH
 * /v1/jurisdictions/{id}` by a root regulator).
 */
export const jurisdictions = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('jurisdictions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('jurisdictions.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('jurisdiction_closure')
      .addColumn('ancestor_id', 'text', (c) => c.notNull().references('jurisdictions.id'))
      .addColumn('descendant_id', 'text', (c) => c.notNull().references('jurisdictions.id'))
      .addColumn('depth', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('jurisdiction_closure_pkey', ['ancestor_id', 'descendant_id'])
      .execute()
    // Ancestors of a node: which regulator endpoints receive an event of that node.
    await db.schema
      .createIndex('jurisdiction_closure_descendant')
      .on('jurisdiction_closure')
      .columns(['descendant_id', 'ancestor_id'])
      .execute()

    const rootId = newId('jur')
    const at = new Date().toISOString()
    await sql`insert into jurisdictions (id, name, code, level, parent_id, created_at, updated_at)
      values (${rootId}, ${'市场监督管理局'}, ${'000000'}, ${'city'}, ${null}, ${at}, ${at})`.execute(db)
    await sql`insert into jurisdiction_closure (ancestor_id, descendant_id, depth)
      values (${rootId}, ${rootId}, 0)`.execute(db)

    await sql`update disputes set jurisdiction_id = ${rootId}`.execute(db)
    // A district regulator's list walks its own disputes newest first.
    await db.schema
      .createIndex('disputes_jurisdiction')
      .on('disputes')
      .columns(['jurisdiction_id', 'id'])
      .execute()

    for (const table of ['enterprises', 'api_clients', 'webhook_endpoints', 'events', 'audit_entries']) {
      await db.schema.alterTable(table).addColumn('jurisdiction_id', 'text').execute()
    }
    await sql`update enterprises set jurisdiction_id = ${rootId}`.execute(db)
    await sql`update api_clients set jurisdiction_id = ${rootId}`.execute(db)
    await sql`update webhook_endpoints set jurisdiction_id = ${rootId}`.execute(db)
    await sql`update events set jurisdiction_id = ${rootId}`.execute(db)
    await sql`update audit_entries set jurisdiction_id = ${rootId}`.execute(db)
    await db.schema
      .createIndex('enterprises_jurisdiction')
      .on('enterprises')
      .columns(['jurisdiction_id', 'id'])
      .execute()
  },
}
