import { existsSync, readFileSync } from 'node:fs'
import { sql } from 'kysely'
import t from 'tap'
import { memoryLogger, testApp } from '../helpers/app.js'
import { backend, freshDatabase } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

t.test(`after erasure, the consumer's name and phone are nowhere in the database (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const enterprise = await enrolEnterprise(app, regulatorToken, '甲视频会员有限公司')
  // Values that occur nowhere else, so that finding them means finding the consumer.
  const phone = `139${String(Date.now()).slice(-8)}`
  const name = '欧阳擦除测试'
  const dispute = await intakeDispute(app, regulatorToken, enterprise.id, { consumer: { name, phone } })
  const erased = await as(
    app,
    regulatorToken,
  )({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/erase-personal-data`,
    payload: { note: 'PIPL request of the consumer' },
  })
  t.equal(erased.statusCode, 200)
  t.same(erased.json().consumer, { name: null, phone: null })

  const traces = [Buffer.from(phone), Buffer.from(name, 'utf8')]
  if (backend === 'sqlite') {
    // The bytes on disk: the database file, and its write-ahead log with the pages as they
    // were before the erasure; free pages and the free space in pages are in the file too.
    const path = database.location.sqlitePath
    for (const file of [path, `${path}-wal`]) {
      if (!existsSync(file)) continue
      const bytes = readFileSync(file)
      for (const trace of traces)
        t.equal(bytes.indexOf(trace), -1, `${file.split('/').at(-1)} holds no ${trace}`)
    }
    const pragma = await sql<{ secure_delete: number }>`pragma secure_delete`.execute(database.db)
    t.equal(pragma.rows[0]?.secure_delete, 1, 'deleted content is overwritten')
  } else {
    // PostgreSQL keeps old row versions until vacuum: what can be checked is every live row.
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(database.db)
    t.ok(tables.rows.length > 10, 'every table is read')
    for (const { table_name } of tables.rows) {
      const rows = await sql<{
        row: string
      }>`select row_to_json(t)::text as row from ${sql.table(table_name)} t`.execute(database.db)
      const text = rows.rows.map((row) => row.row).join('\n')
      t.notOk(text.includes(phone) || text.includes(name), `${table_name} holds neither`)
    }
  }
})

t.test(`credentials in a query string are redacted from the request log (${backend})`, async (t) => {
  const { logger, lines } = memoryLogger('info')
  const database = await freshDatabase(t)
  const { app } = await testApp(t, { database, logger })
  const token = await accessToken(app, await regulatorCredentials(database))
  const urls = [
    `/v1/me?access_token=${token}`,
    `/v1/disputes?limit=5&api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc`,
    '/v1/anything?client_secret=hjs_guessed-secret&x=1',
    '/v1/me?Signature=c2lnbmF0dXJlLXNlY3JldA%3D%3D',
    '/v1/me?%61ccess_token=escaped-name-secret',
  ]
  for (const url of urls) await app.inject({ url })
  const log = lines.join('')
  t.ok(log.includes('incoming request'), 'requests were logged')
  for (const secret of [
    token,
    'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'hjs_guessed-secret',
    'c2lnbmF0dXJlLXNlY3JldA',
    'escaped-name-secret',
  ]) {
    t.notOk(log.includes(secret), `${secret.slice(0, 12)}… is not in the log`)
  }
  t.ok(log.includes('/v1/me?access_token=[redacted]'), 'the URL is logged with the value redacted')
  t.ok(log.includes('limit=5&api_key=[redacted]'), 'other parameters stay readable')
})
