import { sql } from 'kysely'
import t from 'tap'
import { backend, freshDatabase } from '../helpers/database.js'

// Both backends keep statements prepared per connection (storage/statement-cache.ts,
// storage/postgres-prepared.ts): what a migration changes must still be read right.
t.test(
  `a statement run before a migration adds a column returns that column after it (${backend})`,
  async (t) => {
    const database = await freshDatabase(t)
    const { db } = database
    await sql`create table notes (id text primary key, body text not null)`.execute(db)
    await sql`insert into notes (id, body) values ('n1', '和解')`.execute(db)
    const read = () =>
      db
        .selectFrom('notes' as never)
        .selectAll()
        .where('id' as never, '=', 'n1' as never)
        .execute()

    // Enough runs that every connection of the pool has prepared it.
    for (let run = 0; run < 20; run += 1) t.same(await read(), [{ id: 'n1', body: '和解' }])
    await sql`alter table notes add column topic text`.execute(db)
    await sql`update notes set topic = 'refund'`.execute(db)
    const after = await Promise.all(Array.from({ length: 20 }, read))
    t.ok(
      after.every(
        (rows) => JSON.stringify(rows) === JSON.stringify([{ id: 'n1', body: '和解', topic: 'refund' }]),
      ),
      'every connection reads the new column',
    )
  },
)

t.test(`the same statement text reads each database's own rows (${backend})`, async (t) => {
  const first = await freshDatabase(t)
  const second = await freshDatabase(t)
  for (const [database, body] of [
    [first, 'first'],
    [second, 'second'],
  ] as const) {
    await sql`create table notes (id text primary key, body text not null)`.execute(database.db)
    await sql`insert into notes (id, body) values ('n1', ${body})`.execute(database.db)
  }
  const read = (database: typeof first) =>
    database.db
      .selectFrom('notes' as never)
      .select('body' as never)
      .where('id' as never, '=', 'n1' as never)
      .execute()
  for (let run = 0; run < 10; run += 1) {
    t.same(await read(first), [{ body: 'first' }])
    t.same(await read(second), [{ body: 'second' }])
  }
})
