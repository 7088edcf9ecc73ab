import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute, settlementOf2700 } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

interface Listed {
  id: string
  enterprise_id: string
  created_at: string
}

/**
 * Eight disputes of two enterprises, one in each situation the filters tell apart, made one
 * after the other (a few milliseconds apart, so that their `created_at` differ).
 */
async function eightDisputes(t: Teardown) {
  const { app, database } = await testApp(t, { config: { deadlineScanIntervalMs: 3_600_000 } })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const a = await enrolEnterprise(app, regulatorToken, '甲视频')
  const b = await enrolEnterprise(app, regulatorToken, '乙电商')
  const regulator = as(app, regulatorToken)
  const byA = as(app, a.token)
  const byB = as(app, b.token)
  const post = (who: typeof regulator, id: string, action: string, payload: object = {}) =>
    who({ method: 'POST', url: `/v1/disputes/${id}/${action}`, payload })

  const made: Record<string, Listed & { external_ref: string }> = {}
  const make = async (name: string, enterprise: typeof a, problem_type: string) => {
    await sleep(3)
    const dispute = await intakeDispute(app, regulatorToken, enterprise.id, { problem_type })
    made[name] = dispute
    return dispute.id as string
  }
  await make('assigned', a, 'contract')
  const inProgress = await make('in_progress', a, 'quality')
  await post(byA, inProgress, 'accept')
  const settled = await make('settled', b, 'quality')
  await post(byB, settled, 'accept')
  await post(byB, settled, 'settlements', settlementOf2700)
  const returned = await make('returned', b, 'price')
  await post(byB, returned, 'decline', { reason: 'duplicate' })
  const closed = await make('closed', a, 'other')
  await post(regulator, closed, 'withdraw')
  const escalated = await make('escalated', b, 'contract')
  await post(regulator, escalated, 'escalate', { reason: 'Safety risk.' })
  // Two disputes whose deadline has passed: one still waiting for the enterprise (overdue),
  // one settled in time (not overdue). The deadline is moved in the row; intake uses the clock.
  const late = await make('late', a, 'food_safety')
  const settledLate = await make('settled_late', b, 'price')
  await post(byB, settledLate, 'accept')
  await post(byB, settledLate, 'settlements', settlementOf2700)
  await database.db
    .updateTable('disputes')
    .set({ respond_by: new Date(Date.now() - 7 * 86_400_000).toISOString() })
    .where('id', 'in', [late, settledLate])
    .execute()

  const names = Object.keys(made)
  const ids = (selected: string[]) =>
    names
      .filter((name) => selected.includes(name))
      .map((name) => made[name]?.id)
      .reverse() // newest first
  return { app, database, regulator, byA, byB, a, b, made, names, ids }
}

const idsOf = (body: { data: Listed[] }) => body.data.map((dispute) => dispute.id)

/** The same value for every caller, made on the first call (so that no two gateways start at once). */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined
  return () => {
    made ??= make()
    return made
  }
}

// The tests below only read, so they share one gateway and its eight disputes.
const shared = once(() => eightDisputes(t))

t.test(`GET /v1/disputes filters as the regulator asks (${backend})`, async (t) => {
  const { regulator, a, b, made, names, ids } = await shared()
  const aNames = ['assigned', 'in_progress', 'closed', 'late']
  const between = (first: string, second: string) => {
    const from = Date.parse(made[first]?.created_at ?? '')
    const to = Date.parse(made[second]?.created_at ?? '')
    return new Date(Math.floor((from + to) / 2)).toISOString()
  }
  const cases: [query: string, expected: string[]][] = [
    ['', names],
    ['status=assigned', ['assigned', 'late']],
    ['status=assigned&status=in_progress', ['assigned', 'in_progress', 'late']],
    ['status=settled&status=returned&status=escalated', ['settled', 'returned', 'escalated', 'settled_late']],
    ['status=closed', ['closed']],
    [`enterprise_id=${a.id}`, aNames],
    [`enterprise_id=${b.id}&status=settled`, ['settled', 'settled_late']],
    ['overdue=true', ['late']],
    ['overdue=false', names.filter((name) => name !== 'late')],
    ['problem_type=quality', ['in_progress', 'settled']],
    ['problem_type=price&status=settled', ['settled_late']],
    ['problem_type=safety', []],
    [`external_ref=${made.returned?.external_ref}`, ['returned']],
    ['external_ref=12315-none', []],
    [
      `created_after=${between('settled', 'returned')}`,
      ['returned', 'closed', 'escalated', 'late', 'settled_late'],
    ],
    [`created_before=${between('settled', 'returned')}`, ['assigned', 'in_progress', 'settled']],
    [
      `created_after=${between('in_progress', 'settled')}&created_before=${between('escalated', 'late')}`,
      ['settled', 'returned', 'closed', 'escalated'],
    ],
    [`created_after=${between('in_progress', 'settled')}&enterprise_id=${a.id}&overdue=false`, ['closed']],
  ]
  for (const [query, expected] of cases) {
    const res = await regulator({ url: `/v1/disputes?limit=100&${query}` })
    t.equal(res.statusCode, 200, query || '(no filter)')
    t.same(
      idsOf(res.json()),
      ids(expected),
      `${query || '(no filter)'} → ${expected.join(', ') || 'nothing'}`,
    )
  }
})

t.test('the list is newest first', async (t) => {
  const { regulator, made, names } = await shared()
  const body = (await regulator({ url: '/v1/disputes' })).json()
  t.same(
    body.data.map((dispute: Listed) => dispute.id),
    names.map((name) => made[name]?.id).reverse(),
    'the last created comes first',
  )
  const times = body.data.map((dispute: Listed) => dispute.created_at)
  t.same(times, [...times].sort().reverse(), 'created_at descends')
  t.match(body, { object: 'list', has_more: false, next_cursor: null })
})

t.test('invalid filter values are 400', async (t) => {
  const { regulator } = await shared()
  for (const query of [
    'status=open',
    'status=assigned&status=pending',
    'problem_type=noise',
    'overdue=maybe',
    'created_after=yesterday',
    'created_before=2026-11-28',
  ]) {
    const res = await regulator({ url: `/v1/disputes?${query}` })
    t.equal(res.statusCode, 400, query)
    t.equal(res.json().code, 'validation_failed', `${query}: validation_failed`)
  }
})

t.test('created_after and created_before mean the same instant however RFC 3339 writes it', async (t) => {
  const { regulator, made, names } = await shared()
  const times = names.map((name) => ({
    id: made[name]?.id ?? '',
    at: Date.parse(made[name]?.created_at ?? ''),
  }))
  // A boundary on a whole second inside the run, so that disputes lie on both sides of it
  // within the same second or a few away.
  const middle = times[4]?.at ?? 0
  const boundary = Math.floor(middle / 1000) * 1000
  const iso = new Date(boundary).toISOString() // 2026-11-28T14:05:07.000Z
  const shanghaiWall = new Date(boundary + 8 * 3600_000).toISOString().slice(0, 19) // 22:05:07
  const forms = [
    ['UTC with milliseconds', iso],
    ['UTC without milliseconds', iso.replace('.000Z', 'Z')],
    ['the same instant in Shanghai time', `${shanghaiWall}+08:00`],
    ['an explicit +00:00 offset', iso.replace('Z', '+00:00')],
  ] as const
  for (const [parameter, keeps] of [
    ['created_after', (at: number) => at > boundary],
    ['created_before', (at: number) => at < boundary],
  ] as const) {
    for (const [form, value] of forms) {
      const res = await regulator({ url: `/v1/disputes?limit=100&${parameter}=${encodeURIComponent(value)}` })
      if (res.statusCode === 400) {
        // Refusing other forms than the API's own is a fair choice; answering wrongly is not.
        t.equal(res.json().code, 'validation_failed', `${parameter} in ${form}: refused`)
        t.not(form, 'UTC with milliseconds', 'the API’s own form is always accepted')
        continue
      }
      const listed = new Set(idsOf(res.json()))
      const wrong = times.filter(({ id, at }) => at !== boundary && listed.has(id) !== keeps(at))
      t.same(
        wrong.map(({ id, at }) => `${id} created ${new Date(at).toISOString()}`),
        [],
        `${parameter}=${value} (${form}) splits at ${iso}`,
      )
    }
  }
})

t.test('an enterprise lists only its own disputes, whatever it asks for', async (t) => {
  const { byA, byB, a, b, made } = await shared()
  for (const [who, self, other] of [
    [byA, a, b],
    [byB, b, a],
  ] as const) {
    const own = Object.values(made)
      .filter((dispute) => dispute.enterprise_id === self.id)
      .map((dispute) => dispute.id)
      .reverse()
    t.same(idsOf((await who({ url: '/v1/disputes?limit=100' })).json()), own, 'its own, newest first')
    for (const query of [
      `enterprise_id=${other.id}`,
      `external_ref=${Object.values(made).find((d) => d.enterprise_id === other.id)?.external_ref}`,
      'status=assigned&status=in_progress&status=settled&status=returned&status=escalated&status=closed',
      'overdue=true',
      'overdue=false',
    ]) {
      const res = await who({ url: `/v1/disputes?limit=100&${query}` })
      const foreign =
        res.statusCode === 200 ? res.json().data.filter((d: Listed) => d.enterprise_id !== self.id) : []
      t.same(foreign, [], `${query}: nothing of the other enterprise (${res.statusCode})`)
      t.ok(
        res.statusCode === 200 || res.statusCode === 403 || res.statusCode === 400,
        `${query}: no error beyond a refusal`,
      )
    }
  }
})

t.test(`a cursor walk never skips or repeats while disputes keep arriving (${backend})`, async (t) => {
  const { app, database } = await testApp(t, { config: { deadlineScanIntervalMs: 3_600_000 } })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const company = await enrolEnterprise(app, regulatorToken, '丙家电')
  const other = await enrolEnterprise(app, regulatorToken, '丁家电')
  for (let i = 0; i < 23; i++) await intakeDispute(app, regulatorToken, (i % 3 === 0 ? other : company).id)
  const regulator = as(app, regulatorToken)

  for (const [who, token, scope] of [
    ['the regulator', regulatorToken, ''],
    ['the enterprise', company.token, `&enterprise_id=${company.id}`],
  ] as const) {
    // What exists when the walk starts, read in one page.
    const expected: string[] = idsOf((await regulator({ url: `/v1/disputes?limit=100${scope}` })).json())
    t.ok(expected.length > 12, `${who}: ${expected.length} disputes to walk through`)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await as(app, token)({ url: `/v1/disputes?limit=4${cursor ? `&cursor=${cursor}` : ''}` })
      t.equal(res.statusCode, 200)
      const page = res.json()
      t.ok(page.data.length <= 4, 'at most limit items')
      t.equal(page.has_more, page.next_cursor !== null, 'has_more and next_cursor agree')
      seen.push(...idsOf(page))
      cursor = page.next_cursor
      pages += 1
      // New complaints arrive between pages, for both enterprises.
      await intakeDispute(app, regulatorToken, company.id)
      await intakeDispute(app, regulatorToken, other.id)
    } while (cursor !== null && pages < 50)
    t.equal(new Set(seen).size, seen.length, `${who}: no dispute twice`)
    t.same(
      seen.filter((id) => expected.includes(id)),
      expected,
      `${who}: every dispute that existed at the start, once, newest first`,
    )
    t.same(seen, expected, `${who}: the ones that arrived during the walk are for the next walk`)
  }
  const fresh = (await as(app, company.token)({ url: '/v1/disputes?limit=100' })).json().data
  t.ok(
    fresh.every((d: Listed) => d.enterprise_id === company.id),
    'a new walk starts with the newest, still only its own',
  )
})

/** A gateway with 22 disputes, more than one default page. */
async function twentyTwoDisputes(t: Teardown) {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const company = await enrolEnterprise(app, regulatorToken, '戊家电')
  for (let i = 0; i < 22; i++) await intakeDispute(app, regulatorToken, company.id)
  return { regulator: as(app, regulatorToken) }
}
const paged = once(() => twentyTwoDisputes(t))

t.test('limit is 1 to 100, 20 by default', async (t) => {
  const { regulator } = await paged()
  const cases: [query: string, status: number, items?: number][] = [
    ['', 200, 20],
    ['limit=1', 200, 1],
    ['limit=100', 200, 22],
    ['limit=0', 400],
    ['limit=101', 400],
    ['limit=-1', 400],
    ['limit=2.5', 400],
    ['limit=ten', 400],
  ]
  for (const [query, status, items] of cases) {
    const res = await regulator({ url: `/v1/disputes?${query}` })
    t.equal(res.statusCode, status, query || '(default)')
    if (items !== undefined) t.equal(res.json().data.length, items, `${query || '(default)'}: ${items} items`)
    else t.equal(res.json().code, 'validation_failed', `${query}: validation_failed`)
  }
})

t.test('a cursor the list did not issue is 400 invalid_cursor', async (t) => {
  const { regulator } = await paged()
  const encode = (text: string) => Buffer.from(text).toString('base64url')
  const cursors = [
    'not-a-cursor',
    '%%%',
    encode('{}'),
    encode('null'),
    encode('[]'),
    encode('["dsp_01", "dsp_02"]'),
    encode('[{"id": "dsp_01"}]'),
    encode('[true]'),
  ]
  for (const cursor of cursors) {
    const res = await regulator({ url: `/v1/disputes?limit=1&cursor=${encodeURIComponent(cursor)}` })
    t.equal(res.statusCode, 400, `cursor ${JSON.stringify(cursor)}`)
    t.equal(res.json().code, 'invalid_cursor', `cursor ${JSON.stringify(cursor)}: invalid_cursor`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
  }
  const tooLong = await regulator({ url: `/v1/disputes?cursor=${'a'.repeat(600)}` })
  t.equal(tooLong.statusCode, 400, 'a cursor longer than any the list issues')
  const issued = (await regulator({ url: '/v1/disputes?limit=1' })).json().next_cursor
  t.equal(
    (await regulator({ url: `/v1/disputes?limit=1&cursor=${issued}` })).statusCode,
    200,
    'an issued one works',
  )
})
