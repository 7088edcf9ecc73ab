import t from 'tap'
import { purgeIdempotencyRecords } from '../../src/services/write/index.js'
import type { TestDatabase } from '../helpers/database.js'
import { backend, freshDatabase } from '../helpers/database.js'

const hour = 3_600_000

async function insertRecords(database: TestDatabase, keys: string[], createdAt: (i: number) => Date) {
  const rows = keys.map((key, i) => ({
    client_id: 'cli_retention',
    key,
    request_hash: 'h',
    response_status: 201,
    response_body: '{}',
    created_at: createdAt(i).toISOString(),
  }))
  for (let i = 0; i < rows.length; i += 500) {
    await database.db
      .insertInto('idempotency_keys')
      .values(rows.slice(i, i + 500))
      .execute()
  }
}

async function remainingKeys(database: TestDatabase): Promise<string[]> {
  const rows = await database.db.selectFrom('idempotency_keys').select('key').orderBy('key').execute()
  return rows.map((row) => row.key)
}

t.test(`records older than the retention are purged and newer ones kept (${backend})`, async (t) => {
  const database = await freshDatabase(t)
  const now = Date.now()
  const old = Array.from({ length: 2500 }, (_, i) => `old-${i}`)
  await insertRecords(database, old, (i) => new Date(now - 72 * hour - i * 1000))
  await insertRecords(database, ['recent-a', 'recent-b'], () => new Date(now - 47 * hour))

  const purged = await purgeIdempotencyRecords(database, new Date(now - 48 * hour))

  t.equal(purged, 2500)
  t.same(await remainingKeys(database), ['recent-a', 'recent-b'])
  t.equal(await purgeIdempotencyRecords(database, new Date(now - 48 * hour)), 0, 'a second run finds nothing')
})

t.test(`records sharing one timestamp across a batch boundary all go (${backend})`, async (t) => {
  const database = await freshDatabase(t)
  const instant = new Date(Date.now() - 100 * hour)
  await insertRecords(
    database,
    Array.from({ length: 1500 }, (_, i) => `same-${i}`),
    () => instant,
  )
  t.equal(await purgeIdempotencyRecords(database, new Date(Date.now() - 48 * hour)), 1500)
  t.same(await remainingKeys(database), [])
})
