import { sql } from 'kysely'
import t from 'tap'
import { migrationProvider } from '../../src/storage/migrations/index.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'

const latestMigration = Object.keys(await migrationProvider('sqlite').getMigrations()).at(-1) ?? ''

t.test(`readiness on ${backend}`, async (t) => {
  t.test('the gateway is live and ready on a migrated database', async (t) => {
    const { app } = await testApp(t)
    const live = await app.inject('/healthz')
    t.equal(live.statusCode, 200)
    t.same(live.json(), { status: 'ok' })
    const ready = await app.inject('/readyz')
    t.equal(ready.statusCode, 200)
    t.same(ready.json(), { status: 'ok' })
  })

  t.test('readiness is 503 with a problem body when the database is gone', async (t) => {
    const { app, database } = await testApp(t)
    await database.close()
    const ready = await app.inject('/readyz')
    t.equal(ready.statusCode, 503)
    t.match(ready.headers['content-type'], /^application\/problem\+json/)
    t.match(ready.json(), {
      status: 503,
      code: 'database_unavailable',
      request_id: ready.headers['x-request-id'],
    })
    t.equal((await app.inject('/healthz')).statusCode, 200, 'liveness does not depend on the database')
  })

  t.test('readiness is 503 naming a migration the database has not run', async (t) => {
    const { app, database } = await testApp(t)
    // The database falls behind the code: its record of the latest migration is gone.
    const table = database.schema ? `${database.schema}.hejie_migrations` : 'hejie_migrations'
    await sql`delete from ${sql.raw(table)} where name = ${latestMigration}`.execute(database.db)
    const ready = await app.inject('/readyz')
    t.equal(ready.statusCode, 503)
    t.match(ready.json(), { code: 'not_ready', detail: new RegExp(latestMigration) })
  })
})

t.test('metrics count requests and time them per route template', async (t) => {
  const { app } = await testApp(t)
  await app.inject('/healthz')
  await app.inject('/healthz')
  await app.inject('/no/such/route')
  const metrics = await app.inject('/metrics')
  t.equal(metrics.statusCode, 200)
  t.match(metrics.headers['content-type'], /^text\/plain/)
  t.match(metrics.body, /hejie_http_requests_total\{method="GET",route="\/healthz",status="200"\} 2/)
  t.match(
    metrics.body,
    /hejie_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz"/,
  )
  t.notMatch(metrics.body, /no\/such\/route/, 'unmatched URLs do not become labels')
})

t.test('the OpenAPI document and its browsable form are served', async (t) => {
  const { app } = await testApp(t)
  const spec = await app.inject('/openapi.json')
  t.equal(spec.statusCode, 200)
  t.equal(spec.json().openapi, '3.1.0')
  t.ok(spec.json().paths['/readyz'], 'routes are in the document')
  const docs = await app.inject('/docs/')
  t.equal(docs.statusCode, 200)
  t.match(docs.body, /swagger/i)
})
