import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend, freshDatabase } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

t.test(`an enterprise's feed holds its own events in commit order (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const a = await enrolEnterprise(app, regulatorToken, '甲')
  const b = await enrolEnterprise(app, regulatorToken, '乙')
  const mine = await intakeDispute(app, regulatorToken, a.id)
  await intakeDispute(app, regulatorToken, b.id)
  await as(app, a.token)({ method: 'POST', url: `/v1/disputes/${mine.id}/accept` })

  const feed = (await as(app, a.token)({ url: '/v1/events' })).json()
  t.same(
    feed.data.map((event: { type: string }) => event.type),
    ['dispute.assigned', 'dispute.updated'],
  )
  t.match(feed.data[0], {
    object: 'event',
    id: /^evt_/,
    enterprise_id: a.id,
    data: { object: { id: mine.id, object: 'dispute' } },
  })
  t.ok(feed.data[0].sequence < feed.data[1].sequence)
  t.equal(feed.next_cursor, feed.data[1].id)

  const filtered = (await as(app, a.token)({ url: '/v1/events?types=dispute.updated' })).json()
  t.same(
    filtered.data.map((event: { type: string }) => event.type),
    ['dispute.updated'],
  )
  const after = (await as(app, a.token)({ url: `/v1/events?after=${feed.data[0].id}` })).json()
  t.same(
    after.data.map((event: { id: string }) => event.id),
    [feed.data[1].id],
  )
  const unknown = await as(app, a.token)({ url: '/v1/events?after=evt_nope' })
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().code, 'invalid_cursor')
  const all = (await as(app, regulatorToken)({ url: '/v1/events' })).json()
  t.equal(all.data.length, 3, 'a regulator sees every event')
})

t.test(
  'paging with after while four writers commit on two instances sees every event exactly once',
  async (t) => {
    const database = await freshDatabase(t)
    const first = await testApp(t, { database, config: { rateLimitMax: 1_000_000 } })
    const second = await testApp(t, { database, config: { rateLimitMax: 1_000_000 } })
    const regulatorToken = await accessToken(first.app, await regulatorCredentials(database))
    const enterprise = await enrolEnterprise(first.app, regulatorToken, '丙')
    const writesPerWriter = 500
    const instances = [first.app, second.app, first.app, second.app]
    let writing = true
    const writers = instances.map(async (app, writer) => {
      for (let i = 0; i < writesPerWriter; i++) {
        await intakeDispute(app, regulatorToken, enterprise.id, { external_ref: `w${writer}-${i}` })
      }
    })
    const seen: string[] = []
    let after: string | null = null
    const reader = (async () => {
      while (writing || seen.length < instances.length * writesPerWriter) {
        const url = `/v1/events?limit=100${after ? `&after=${after}` : ''}`
        const page: { data: { id: string }[]; next_cursor: string | null } = (
          await as(second.app, enterprise.token)({ url })
        ).json()
        for (const event of page.data) seen.push(event.id)
        after = page.next_cursor
        if (page.data.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()
    await Promise.all(writers)
    writing = false
    await reader
    t.equal(seen.length, instances.length * writesPerWriter, 'no event missed')
    t.equal(new Set(seen).size, seen.length, 'no event repeated')
    const sequences = (
      await database.db.selectFrom('events').select('sequence').orderBy('sequence').execute()
    ).map((row) => Number(row.sequence))
    t.same(
      sequences,
      Array.from({ length: sequences.length }, (_, i) => i + 1),
      'sequences are gap-free',
    )
    const indices = (
      await database.db.selectFrom('audit_entries').select('leaf_index').orderBy('leaf_index').execute()
    ).map((row) => Number(row.leaf_index))
    t.same(
      indices,
      Array.from({ length: indices.length }, (_, i) => i),
      'audit indices are gap-free',
    )
  },
)
