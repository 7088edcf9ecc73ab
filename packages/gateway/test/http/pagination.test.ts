import t from 'tap'
import { decodeCursor, encodeCursor, toPage } from '../../src/services/pagination.js'

t.test('a cursor carries the position of the last item shown and reads back the same', async (t) => {
  const cursor = encodeCursor(['2026-11-28T08:00:00.000Z', 'dsp_01'])
  t.match(cursor, /^[A-Za-z0-9_-]+$/, 'url-safe and opaque')
  t.same(decodeCursor(cursor, 2), ['2026-11-28T08:00:00.000Z', 'dsp_01'])
})

t.test('a cursor that this list did not issue is refused with invalid_cursor', async (t) => {
  const cases = [
    { given: 'not base64 json', why: 'garbage' },
    { given: encodeCursor(['only-one']), why: 'wrong arity' },
    { given: Buffer.from('{"a":1}').toString('base64url'), why: 'not a position' },
    { given: Buffer.from('[null, {}]').toString('base64url'), why: 'wrong member types' },
  ]
  for (const { given, why } of cases) {
    t.throws(() => decodeCursor(given, 2), { code: 'invalid_cursor', status: 400 }, why)
  }
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
  t.same(decodeCursor(page.next_cursor ?? '', 1), ['b'])
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
