import t from 'tap'
import { decodeCursor, encodeCursor, toPage } from '../../src/services/pagination.js'
import { testApp } from '../helpers/app.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

t.test('a cursor carries the position of the last item shown and reads back the same', async (t) => {
  const cursor = encodeCursor(['2026-11-28T08:00:00.000Z', 'dsp_01'])
  t.match(cursor, /^[A-Za-z0-9_-]+$/, 'url-safe and opaque')
  t.same(decodeCursor(cursor, ['id', 'id']), ['2026-11-28T08:00:00.000Z', 'dsp_01'])
})

t.test('a cursor that this list did not issue is refused with invalid_cursor', async (t) => {
  const cases = [
    { given: 'not base64 json', why: 'garbage' },
    { given: encodeCursor(['only-one']), why: 'wrong arity' },
    { given: Buffer.from('{"a":1}').toString('base64url'), why: 'not a position' },
    { given: Buffer.from('[null, {}]').toString('base64url'), why: 'wrong member types' },
    { given: encodeCursor([5, 'dsp_01']), why: 'a number where an id belongs' },
    { given: encodeCursor(['x'.repeat(65), 'dsp_01']), why: 'an id longer than any issued' },
    { given: encodeCursor(['dsp_\u0000', 'dsp_01']), why: 'an id no database can hold' },
  ]
  for (const { given, why } of cases) {
    t.throws(() => decodeCursor(given, ['id', 'id']), { code: 'invalid_cursor', status: 400 }, why)
  }
  for (const index of ['7', -1, 1.5, 1e300]) {
    t.throws(
      () => decodeCursor(encodeCursor([index]), ['index']),
      { code: 'invalid_cursor' },
      `index ${index}`,
    )
  }
  t.same(decodeCursor(encodeCursor([7]), ['index']), [7])
})

t.test('a page built from limit + 1 rows says there is more and points after the last shown', async (t) => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }]
  const page = toPage(
    rows,
    2,
    (row) => row.id,
    (row) => [row.id],
  )
  t.same(page.data, ['a', 'b'])
  t.equal(page.has_more, true)
  t.same(decodeCursor(page.next_cursor ?? '', ['id']), ['b'])
})

t.test('the last page has no cursor', async (t) => {
  const page = toPage(
    [{ id: 'a' }],
    2,
    (row) => row.id,
    (row) => [row.id],
  )
  t.same(page, { object: 'list', data: ['a'], has_more: false, next_cursor: null })
})

t.test('every list answers a cursor it did not issue with a 400, whatever is inside it', async (t) => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const regulator = as(app, regulatorToken)
  const enterprise = await enrolEnterprise(app, regulatorToken, 'Acme Video')
  const dispute = await intakeDispute(app, regulatorToken, enterprise.id)
  const endpoint = await regulator({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    payload: { url: 'https://hooks.example.com/hejie', event_types: ['dispute.assigned'] },
  })
  t.equal(endpoint.statusCode, 201, endpoint.body)
  const lists = [
    '/v1/enterprises',
    `/v1/enterprises/${enterprise.id}/clients`,
    '/v1/clients',
    '/v1/disputes',
    `/v1/disputes/${dispute.id}/timeline`,
    '/v1/webhook-endpoints',
    `/v1/webhook-endpoints/${endpoint.json().id}/deliveries`,
  ]
  const cursors = [
    encodeCursor([5]),
    encodeCursor(['x']),
    encodeCursor([-1]),
    encodeCursor([1e300]),
    encodeCursor(['dsp_\u0000']),
    Buffer.from('[[1]]').toString('base64url'),
    encodeCursor([]),
    'bm90IGpzb24',
  ]
  for (const list of lists) {
    for (const cursor of cursors) {
      const res = await regulator({ method: 'GET', url: `${list}?cursor=${cursor}` })
      if (res.statusCode === 200) continue // a shape this list could have issued: a valid position
      t.equal(res.statusCode, 400, `${list} ${Buffer.from(cursor, 'base64url').toString()}`)
      t.equal(res.json().code, 'invalid_cursor')
    }
  }
  const unknownEvent = await regulator({ method: 'GET', url: '/v1/events?after=evt_%C3%A9' })
  t.equal(unknownEvent.statusCode, 400)
})
