import SQLite from 'better-sqlite3'
import t from 'tap'
import { preparingOnce } from '../../src/storage/statement-cache.js'

function numbers(count: number): SQLite.Database {
  const connection = new SQLite(':memory:')
  connection.exec('create table n (value integer primary key)')
  const insert = connection.prepare('insert into n (value) values (?)')
  for (let value = 1; value <= count; value++) insert.run(value)
  return connection
}

t.test('a statement text is prepared once and the same statement serves every later query', async (t) => {
  const connection = numbers(3)
  const database = preparingOnce(connection)
  const first = database.prepare('select value from n where value = ?')
  const again = database.prepare('select value from n where value = ?')
  t.equal(again, first)
  t.same((again as SQLite.Statement).all([2]), [{ value: 2 }])
  connection.close()
})

t.test(
  'a statement busy with a stream is not handed out: the caller gets a fresh one that runs',
  async (t) => {
    const connection = numbers(5)
    const database = preparingOnce(connection)
    const text = 'select value from n where value >= ? order by value'
    const streaming = database.prepare(text) as SQLite.Statement
    const rows = streaming.iterate([1])
    t.same(rows.next().value, { value: 1 })
    const other = database.prepare(text) as SQLite.Statement
    t.not(other, streaming)
    t.same(other.all([4]), [{ value: 4 }, { value: 5 }], 'the fresh statement answers its own query')
    t.same(rows.next().value, { value: 2 }, 'the stream goes on undisturbed')
    rows.return?.()
    t.equal(database.prepare(text), streaming, 'once the stream is done, the cached statement serves again')
    connection.close()
  },
)

t.test('past its capacity the cache drops the oldest text first', async (t) => {
  const connection = numbers(1)
  const database = preparingOnce(connection)
  const oldest = database.prepare('select 0 as value')
  for (let i = 1; i < 1000; i++) database.prepare(`select ${i} as value`)
  t.equal(database.prepare('select 0 as value'), oldest, 'kept while the cache holds 1,000 texts')
  database.prepare('select 1000 as value')
  t.not(database.prepare('select 0 as value'), oldest, 'the 1,001st text pushes out the oldest')
  connection.close()
})
