import { sql } from 'kysely'
import t from 'tap'
import { insertRow, updateById } from '../../src/storage/shaped-statement.js'
import { backend, freshDatabase } from '../helpers/database.js'

t.test(
  `rows inserted and updated by shape keep exactly the values given, whichever columns each sets (${backend})`,
  async (t) => {
    const database = await freshDatabase(t)
    await sql`create table notes (id text primary key, body text not null, topic text default 'none', amount integer)`.execute(
      database.db,
    )
    const target = { db: database.db, dialect: database.dialect }
    const notes = () =>
      database.db
        .selectFrom('notes' as never)
        .selectAll()
        .orderBy('id' as never)
        .execute()

    // Undefined is left out, as Kysely leaves it out: the column keeps its default.
    await insertRow(
      target,
      'notes' as never,
      { id: 'n1', body: '和解', topic: undefined, amount: 2700 } as never,
    )
    await insertRow(
      target,
      'notes' as never,
      { id: 'n2', body: 'refund', topic: 'video', amount: null } as never,
    )
    t.same(await notes(), [
      { id: 'n1', body: '和解', topic: 'none', amount: 2700 },
      { id: 'n2', body: 'refund', topic: 'video', amount: null },
    ])

    await updateById(target, 'notes' as never, 'n1', { topic: 'membership' } as never)
    await updateById(target, 'notes' as never, 'n2', {
      body: 'refunded',
      amount: 100,
      topic: undefined,
    } as never)
    // The same shape again, other values: the compiled statement binds them afresh.
    await updateById(target, 'notes' as never, 'n2', { topic: null } as never)
    await updateById(target, 'notes' as never, 'n1', {} as never)
    t.same(await notes(), [
      { id: 'n1', body: '和解', topic: 'membership', amount: 2700 },
      { id: 'n2', body: 'refunded', topic: null, amount: 100 },
    ])
  },
)
