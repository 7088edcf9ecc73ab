import t from 'tap'
import { openDatabase } from '../../src/storage/database.js'
import { migrateToLatest, pendingMigrations } from '../../src/storage/migrator.js'
import { freshPostgresSchema, postgresUrl } from '../helpers/database.js'

// About PostgreSQL itself, so it runs against the test run's PostgreSQL whichever backend the
// rest of the suite is on.

async function schemaOfItsOwn(t: { teardown(fn: () => unknown): void }) {
  const schema = await freshPostgresSchema(t)
  const database = openDatabase({ databaseUrl: postgresUrl, sqlitePath: ':memory:', searchPath: schema })
  t.teardown(() => database.close())
  return { schema, database }
}

t.test(
  'the migrator sees only the tables of its own schema, not those of others in the database',
  async (t) => {
    const migrated = await schemaOfItsOwn(t)
    const empty = await schemaOfItsOwn(t)
    await migrateToLatest(migrated.database)

    const tables = await migrated.database.db.introspection.getTables()
    t.ok(
      tables.some((table) => table.name === 'disputes'),
      'its own tables are there',
    )
    t.same([...new Set(tables.map((table) => table.schema))], [migrated.schema], 'and nothing else')
    t.ok(
      tables
        .find((table) => table.name === 'disputes')
        ?.columns.some((column) => column.name === 'respond_by'),
    )

    t.same(await empty.database.db.introspection.getTables(), [], 'a schema beside it sees no tables')
    t.not((await pendingMigrations(empty.database)).length, 0, 'and its migrations are still to run')
    t.same(await pendingMigrations(migrated.database), [])
  },
)
