import t from 'tap'
import { compiled } from '../../src/storage/compiled-statement.js'
import { backend, freshDatabase } from '../helpers/database.js'

const insertNodes = compiled<{ level: number; position: number; hash: Uint8Array }>()((db, p, rows) =>
  db.insertInto('audit_nodes').values(
    Array.from({ length: rows }, (_, row) => ({
      level: p('level', row),
      position: p('position', row),
      hash: p('hash', row),
    })),
  ),
)

const nodeAt = compiled<{ position: number }>()((db, p) =>
  // Level 7 is a constant of the statement, the position a parameter.
  db
    .selectFrom('audit_nodes')
    .select(['level', 'position', 'hash'])
    .where('level', '=', 7)
    .where('position', '=', p('position')),
)

const bytes = (value: number) => new Uint8Array(32).fill(value)

t.test(
  `a compiled statement binds each run's own values, row by row, and keeps its constants (${backend})`,
  async (t) => {
    const database = await freshDatabase(t)
    const target = { db: database.db, dialect: database.dialect }
    await insertNodes.execute(target, { level: 7, position: 1, hash: bytes(1) })
    await insertNodes.execute(target, [
      { level: 7, position: 2, hash: bytes(2) },
      { level: 7, position: 3, hash: bytes(3) },
      { level: 8, position: 2, hash: bytes(4) },
    ])
    for (const position of [1, 2, 3]) {
      const { rows } = await nodeAt.execute(target, { position })
      t.equal(rows.length, 1, `one node at level 7, position ${position}`)
      t.same(
        new Uint8Array(rows[0]?.hash ?? []),
        bytes(position),
        `the hash written for position ${position}`,
      )
    }
    t.same((await nodeAt.execute(target, { position: 4 })).rows, [], 'level 8 is not read as level 7')
    const all = await database.db
      .selectFrom('audit_nodes')
      .select(['level', 'position'])
      .orderBy('level')
      .orderBy('position')
      .execute()
    t.same(all, [
      { level: 7, position: 1 },
      { level: 7, position: 2 },
      { level: 7, position: 3 },
      { level: 8, position: 2 },
    ])
  },
)

t.test(`a compiled statement runs inside the transaction it is given (${backend})`, async (t) => {
  const database = await freshDatabase(t)
  await database.db
    .transaction()
    .execute(async (trx) => {
      await insertNodes.execute(
        { db: trx, dialect: database.dialect },
        { level: 7, position: 9, hash: bytes(9) },
      )
      t.equal((await nodeAt.execute({ db: trx, dialect: database.dialect }, { position: 9 })).rows.length, 1)
      throw new Error('roll back')
    })
    .catch(() => {})
  t.same(
    (await nodeAt.execute({ db: database.db, dialect: database.dialect }, { position: 9 })).rows,
    [],
    'rolled back with it',
  )
})
