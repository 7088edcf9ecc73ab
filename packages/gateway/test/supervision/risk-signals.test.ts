import t from 'tap'
import { normalisePhone, PhoneKeyer } from '../../src/domain/phone-key.js'
import { masterKeyOf } from '../../src/services/identity/identity.js'
import { computeRiskSignals } from '../../src/services/risk-signals/run.js'
import type { RiskThresholds } from '../../src/services/risk-signals/thresholds.js'
import { weekOf } from '../../src/services/risk-signals/windows.js'
import type { DisputeTable } from '../../src/storage/schema.js'
import { testApp } from '../helpers/app.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { addNode, uniqueCode } from '../helpers/jurisdictions.js'

/*
 * A hand-made fortnight and a month before it, in the east district, with thresholds small
 * enough to count by hand. "Now" is Wednesday 25 November 2026, 12:00 in Beijing: the current
 * window is the week of Monday 23 November, [2026-11-22T16:00Z, 2026-11-29T16:00Z).
 *
 *  dispute ent  category  window  phone              state
 *  a0      A    video     W−2     13900000001        assigned
 *  a00     A    video     W−1     13900000002        assigned
 *  a1      A    video     W0      +86 139-0000-1111  assigned
 *  a2      A    video     W0      13900001111        assigned    (a1's consumer, written otherwise)
 *  a3      A    video     W0      13900000003        assigned
 *  a4      A    video     W0      13900000004        assigned
 *  b1      B    phone     W0      13900000005        closed, settled
 *  b2      B    phone     W0      13900000006        returned, overdue
 *  b3      B    phone     W0      13900000007        escalated, overdue
 *  w1      A    video     W0      13900001111        assigned, in the west district
 *
 * w1 is a1's consumer and A again, but in another district: signals count per jurisdiction,
 * so it changes no number below.
 */
const NOW = new Date('2026-11-25T04:00:00.000Z')
const W0 = { start: '2026-11-22T16:00:00.000Z', end: '2026-11-29T16:00:00.000Z' }
const DAY = 86_400_000
const inWeek = (offset: number, hours: number) =>
  new Date(Date.parse(W0.start) + offset * 7 * DAY + hours * 3_600_000).toISOString()

const thresholds: RiskThresholds = {
  risingPreviousWindows: 2,
  risingPercent: 200,
  risingMinCount: 3,
  repeatedProblemMin: 3,
  lowSettlementPercent: 50,
  lowSettlementMinConcluded: 2,
  overdueClusterMin: 2,
  repeatComplainantMin: 2,
}

const fixture = (async () => {
  const { app, database, config } = await testApp(t)
  const keyer = PhoneKeyer.fromMasterKey(masterKeyOf(config))
  const root = await accessToken(app, await regulatorCredentials(database))
  const east = await addNode(app, root, { name: '东城区', code: uniqueCode('district'), level: 'district' })
  const west = await addNode(app, root, { name: '西城区', code: uniqueCode('district'), level: 'district' })
  const a = await enrolEnterprise(app, root, '北京爱看视频科技有限公司')
  const b = await enrolEnterprise(app, root, '北京优品手机有限公司')

  const open = async (
    enterpriseId: string,
    category: string,
    phone: string,
    assignedAt: string,
    state: Partial<DisputeTable> = {},
    jurisdictionId = east.id,
  ): Promise<string> => {
    const dispute = await intakeDispute(app, root, enterpriseId, {
      category,
      consumer: { name: '张伟', phone },
      jurisdiction_id: jurisdictionId,
    })
    // Intake stamps the real time: the row is moved to its place in the fixture. A
    // deadline a month after "now" keeps it from falling overdue unless the row says so.
    await database.db
      .updateTable('disputes')
      .set({
        assigned_at: assignedAt,
        received_at: assignedAt,
        respond_by: new Date(NOW.getTime() + 30 * DAY).toISOString(),
        ...state,
      })
      .where('id', '=', dispute.id)
      .execute()
    return dispute.id as string
  }
  await open(a.id, 'video', '13900000001', inWeek(-2, 10))
  await open(a.id, 'video', '13900000002', inWeek(-1, 10))
  const a1 = await open(a.id, 'video', '+86 139-0000-1111', inWeek(0, 1))
  const a2 = await open(a.id, 'video', '13900001111', inWeek(0, 2))
  const a3 = await open(a.id, 'video', '13900000003', inWeek(0, 3))
  const a4 = await open(a.id, 'video', '13900000004', inWeek(0, 4))
  const b1 = await open(b.id, 'phone', '13900000005', inWeek(0, 5), {
    status: 'closed',
    resolution: 'settled',
  })
  const b2 = await open(b.id, 'phone', '13900000006', inWeek(0, 6), { status: 'returned', overdue: 1 })
  const b3 = await open(b.id, 'phone', '13900000007', inWeek(0, 7), { status: 'escalated', overdue: 1 })
  await open(a.id, 'video', '13900001111', inWeek(0, 8), {}, west.id)
  return { app, database, keyer, root, east, west, a, b, ids: { a1, a2, a3, a4, b1, b2, b3 } }
})()

/** What each signal of the fixture must be, written from the table above. */
async function expectedSignals() {
  const { a, b, ids } = await fixture
  const aInW0 = [ids.a1, ids.a2, ids.a3, ids.a4]
  const bInW0 = [ids.b1, ids.b2, ids.b3]
  // A's (and video's) mean over W−2 and W−1: (1 + 1) / 2 = 1; raised at max(3, 200% × 1) = 3.
  const aBaseline = (1 + 1) / 2
  // B (and phone) had nothing before: a mean of 0, raised at the minimum count, 3.
  return [
    {
      kind: 'rising_volume',
      subject: { enterprise_id: a.id },
      value: 4,
      baseline: aBaseline,
      threshold: Math.max(3, 2 * aBaseline),
      disputes: aInW0,
    },
    {
      kind: 'rising_volume',
      subject: { category: 'video' },
      value: 4,
      baseline: aBaseline,
      threshold: Math.max(3, 2 * aBaseline),
      disputes: aInW0,
    },
    {
      kind: 'rising_volume',
      subject: { enterprise_id: b.id },
      value: 3,
      baseline: 0,
      threshold: 3,
      disputes: bInW0,
    },
    {
      kind: 'rising_volume',
      subject: { category: 'phone' },
      value: 3,
      baseline: 0,
      threshold: 3,
      disputes: bInW0,
    },
    {
      kind: 'repeated_problem',
      subject: { enterprise_id: a.id, category: 'video' },
      value: 4,
      baseline: null,
      threshold: 3,
      disputes: aInW0,
    },
    {
      kind: 'repeated_problem',
      subject: { enterprise_id: b.id, category: 'phone' },
      value: 3,
      baseline: null,
      threshold: 3,
      disputes: bInW0,
    },
    // B concluded three (b1 settled, b2 returned, b3 escalated) and settled one: 1/3 < 50%.
    {
      kind: 'low_settlement_rate',
      subject: { enterprise_id: b.id },
      value: Math.round((1 / 3) * 10_000) / 10_000,
      baseline: null,
      threshold: 0.5,
      disputes: bInW0,
    },
    {
      kind: 'overdue_cluster',
      subject: { enterprise_id: b.id },
      value: 2,
      baseline: null,
      threshold: 2,
      disputes: [ids.b2, ids.b3],
    },
    // a1 and a2: one phone written two ways.
    {
      kind: 'repeat_complainant',
      subject: {},
      value: 2,
      baseline: null,
      threshold: 2,
      disputes: [ids.a1, ids.a2],
    },
  ]
}

const sortByKey = <T extends { kind: string; subject: object }>(signals: T[]) =>
  [...signals].sort((x, y) =>
    `${x.kind}${JSON.stringify(x.subject)}`.localeCompare(`${y.kind}${JSON.stringify(y.subject)}`),
  )

const raisedEvents = async () => {
  const { database } = await fixture
  return database.db.selectFrom('events').select('data').where('type', '=', 'risk_signal.raised').execute()
}

t.test('the windows are calendar weeks in Beijing time, Monday to Monday', async (t) => {
  t.same(weekOf(NOW), W0)
  t.same(weekOf(new Date(W0.start)), W0, 'a window holds its start')
  t.same(weekOf(new Date(Date.parse(W0.end) - 1)), W0, 'and the last millisecond before its end')
  t.same(weekOf(NOW, -1), { start: inWeek(-1, 0), end: W0.start })
})

t.test('a phone is normalised to its national digits before it is keyed', async (t) => {
  for (const written of [
    '+86 139-0000-1111',
    '0086 13900001111',
    '８６１３９００００１１１１',
    '139 0000 1111',
  ]) {
    t.equal(normalisePhone(written), '13900001111', written)
  }
  t.equal(normalisePhone('010-6234-5678'), '01062345678', 'a landline keeps its area code')
  t.equal(normalisePhone('8613900001'), '8613900001', 'no country code is taken from a number too short')
  const keyer = new PhoneKeyer(Buffer.alloc(32, 1))
  t.equal(keyer.keyOf('+86 139-0000-1111'), keyer.keyOf('13900001111'))
  t.not(
    keyer.keyOf('13900001111'),
    new PhoneKeyer(Buffer.alloc(32, 2)).keyOf('13900001111'),
    'another secret, another key',
  )
  t.equal(keyer.keyOf('无'), null, 'nothing to key without digits')
})

t.test('intake stores the keyed hash of the normalised phone, never the phone', async (t) => {
  const { database, keyer, ids } = await fixture
  const rows = await database.db
    .selectFrom('disputes')
    .select(['id', 'consumer_phone_key'])
    .where('id', 'in', [ids.a1, ids.a2, ids.a3])
    .execute()
  const keyOf = new Map(rows.map((row) => [row.id, row.consumer_phone_key]))
  t.equal(keyOf.get(ids.a1), keyer.keyOf('13900001111'))
  t.equal(keyOf.get(ids.a1), keyOf.get(ids.a2), '+86 139-0000-1111 and 13900001111 are one consumer')
  t.not(keyOf.get(ids.a3), keyOf.get(ids.a1))
  t.notMatch(String(keyOf.get(ids.a1)), /1390000/, 'the key does not contain the phone')
})

t.test(
  'two runs at once, then a third, raise each signal once and emit risk_signal.raised once',
  async (t) => {
    const { database, keyer } = await fixture
    const first = await Promise.all([
      computeRiskSignals(database, thresholds, keyer, NOW),
      computeRiskSignals(database, thresholds, keyer, NOW),
    ])
    const expected = await expectedSignals()
    t.equal(first[0].raised + first[1].raised, expected.length, 'each signal raised by one of the two runs')
    t.equal(first[0].seen, expected.length, 'each run found every signal')
    const again = await computeRiskSignals(database, thresholds, keyer, NOW)
    t.equal(again.raised, 0, 'a later run raises nothing new')
    t.equal(again.seen, expected.length)
    t.equal((await raisedEvents()).length, expected.length, 'one event per signal')
    const stored = await database.db.selectFrom('risk_signals').select('id').execute()
    t.equal(stored.length, expected.length, 'one row per signal')
  },
)

t.test(
  'the endpoint shows exactly the fixture’s signals, with their numbers, on this database',
  async (t) => {
    const { app, root, east, a } = await fixture
    for (const [who, token] of [
      ['the city', root],
      ['the east district', east.regulator.token],
    ] as const) {
      const res = await as(app, token)({ method: 'GET', url: '/v1/risk-signals?limit=100' })
      t.equal(res.statusCode, 200, who)
      const shown = res.json().data.map((signal: Record<string, unknown>) => ({
        kind: signal.kind,
        subject: signal.subject,
        value: signal.value,
        baseline: signal.baseline,
        threshold: signal.threshold,
        disputes: signal.disputes,
      }))
      t.same(sortByKey(shown), sortByKey(await expectedSignals()), `${who} sees every signal`)
      for (const signal of res.json().data) {
        t.same(signal.window, W0)
        t.equal(signal.jurisdiction_id, east.id)
        t.match(signal.explanation, /the week of 2026-11-23/)
      }
    }
    const rising = await as(app, root)({ method: 'GET', url: '/v1/risk-signals?kind=rising_volume' })
    t.equal(rising.json().data.length, 4, 'filtered by kind')
    const aRising = rising
      .json()
      .data.find((signal: { subject: { enterprise_id?: string } }) => signal.subject.enterprise_id === a.id)
    t.equal(
      aRising.explanation,
      `4 disputes about 北京爱看视频科技有限公司 (${a.id}) in the week of 2026-11-23, against a mean of 1 a week over the 2 weeks before (raised at 200% of the mean and at least 3).`,
      'the sentence names the enterprise and gives the numbers',
    )
    const consumer = await as(app, root)({ method: 'GET', url: '/v1/risk-signals?kind=repeat_complainant' })
    t.equal(
      consumer.json().data[0].explanation,
      'One consumer filed 2 disputes in the week of 2026-11-23 (raised at 2).',
      'a repeat complainant is not named',
    )
    const before = await as(
      app,
      root,
    )({
      method: 'GET',
      url: `/v1/risk-signals?to=${encodeURIComponent(W0.start)}`,
    })
    t.same(before.json().data, [], 'no signal in a window ending before this week')
    const page = await as(app, root)({ method: 'GET', url: '/v1/risk-signals?limit=5' })
    const rest = await as(
      app,
      root,
    )({
      method: 'GET',
      url: `/v1/risk-signals?limit=5&cursor=${page.json().next_cursor}`,
    })
    t.equal(page.json().data.length + rest.json().data.length, 9, 'paged by cursor without loss')
    t.equal(rest.json().has_more, false)
  },
)

t.test('a regulator of another district sees none of them; an enterprise may not ask', async (t) => {
  const { app, root, west, a } = await fixture
  const listed = await as(app, west.regulator.token)({ method: 'GET', url: '/v1/risk-signals' })
  t.equal(listed.statusCode, 200)
  t.same(listed.json().data, [])
  const any = (await as(app, root)({ method: 'GET', url: '/v1/risk-signals?limit=1' })).json().data[0]
  const one = await as(app, west.regulator.token)({ method: 'GET', url: `/v1/risk-signals/${any.id}` })
  t.equal(one.statusCode, 404)
  t.equal(one.json().code, 'not_found')
  const own = await as(app, root)({ method: 'GET', url: `/v1/risk-signals/${any.id}` })
  t.equal(own.statusCode, 200)
  t.same(own.json(), any)
  const enterprise = await as(app, a.token)({ method: 'GET', url: '/v1/risk-signals' })
  t.equal(enterprise.statusCode, 403)
})

t.test('bad parameters are a 400 with a stable code, and change nothing', async (t) => {
  const { app, root } = await fixture
  const call = as(app, root)
  const backwards = await call({
    method: 'GET',
    url: `/v1/risk-signals?from=${encodeURIComponent(W0.end)}&to=${encodeURIComponent(W0.start)}`,
  })
  t.equal(backwards.statusCode, 400)
  t.equal(backwards.json().code, 'validation_failed')
  const kind = await call({ method: 'GET', url: '/v1/risk-signals?kind=sunspots' })
  t.equal(kind.statusCode, 400)
  t.equal(kind.json().code, 'validation_failed')
  const cursor = await call({ method: 'GET', url: '/v1/risk-signals?cursor=nonsense' })
  t.equal(cursor.statusCode, 400)
  t.equal(cursor.json().code, 'invalid_cursor')
})

t.test('the phone key appears in no response and no event', async (t) => {
  const { app, database, root, east, ids } = await fixture
  const keys = (
    await database.db
      .selectFrom('disputes')
      .select('consumer_phone_key')
      .where('consumer_phone_key', 'is not', null)
      .execute()
  ).map((row) => row.consumer_phone_key as string)
  t.ok(keys.length >= 9, 'the fixture has keys to look for')
  const bodies: string[] = []
  for (const token of [root, east.regulator.token]) {
    const call = as(app, token)
    bodies.push((await call({ method: 'GET', url: '/v1/risk-signals?limit=100' })).body)
    bodies.push((await call({ method: 'GET', url: '/v1/disputes?limit=100' })).body)
    bodies.push((await call({ method: 'GET', url: '/v1/events?limit=100' })).body)
    for (const id of Object.values(ids)) {
      bodies.push((await call({ method: 'GET', url: `/v1/disputes/${id}` })).body)
      bodies.push((await call({ method: 'GET', url: `/v1/disputes/${id}/timeline` })).body)
    }
  }
  t.ok(
    bodies.some((body) => body.includes('risk_signal.raised')),
    'the feed carries the signals',
  )
  const events = (await database.db.selectFrom('events').select('data').execute()).map((row) => row.data)
  const audit = (await database.db.selectFrom('audit_entries').select('canonical').execute()).map((row) =>
    Buffer.from(row.canonical).toString('utf8'),
  )
  for (const key of keys) {
    t.notOk(
      [...bodies, ...events, ...audit].some((text) => text.includes(key)),
      'no response, event or audit entry holds a phone key',
    )
  }
})

t.test('erasure nulls the phone key, and the job does not key it again', async (t) => {
  const { app, database, keyer, root, ids } = await fixture
  const erased = await as(app, root)({ method: 'POST', url: `/v1/disputes/${ids.a1}/erase-personal-data` })
  t.equal(erased.statusCode, 200)
  const keyOf = async (id: string) =>
    (
      await database.db
        .selectFrom('disputes')
        .select('consumer_phone_key')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).consumer_phone_key
  t.equal(await keyOf(ids.a1), null)
  await computeRiskSignals(database, thresholds, keyer, NOW)
  t.equal(await keyOf(ids.a1), null, 'still null after a run')
})

t.test('a dispute stored without a key (older rows) is keyed by the next run', async (t) => {
  const { database, keyer, ids } = await fixture
  await database.db
    .updateTable('disputes')
    .set({ consumer_phone_key: null })
    .where('id', '=', ids.a3)
    .execute()
  const run = await computeRiskSignals(database, thresholds, keyer, NOW)
  t.equal(run.keyed, 1)
  const row = await database.db
    .selectFrom('disputes')
    .select('consumer_phone_key')
    .where('id', '=', ids.a3)
    .executeTakeFirstOrThrow()
  t.equal(row.consumer_phone_key, keyer.keyOf('13900000003'))
})

t.test(
  'a signal whose numbers moved is stored again with its disputes; the others are only seen again',
  async (t) => {
    const { app, database, keyer, root, east, a, b, ids } = await fixture
    await computeRiskSignals(database, thresholds, keyer, NOW)
    const before = new Map(
      (await database.db.selectFrom('risk_signals').selectAll().execute()).map((row) => [row.id, row]),
    )
    // A fifth dispute about A's videos in the week: A's and video's volume and A's repeated
    // problem move from 4 to 5; B's signals do not move.
    const fifth = await intakeDispute(app, root, a.id, {
      category: 'video',
      consumer: { name: '李娜', phone: '13900000009' },
      jurisdiction_id: east.id,
    })
    await database.db
      .updateTable('disputes')
      .set({ assigned_at: inWeek(0, 9), received_at: inWeek(0, 9) })
      .where('id', '=', fifth.id)
      .execute()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const run = await computeRiskSignals(database, thresholds, keyer, NOW)
    t.equal(run.raised, 0, 'nothing new is raised')
    const after = await database.db.selectFrom('risk_signals').selectAll().execute()
    t.equal(after.length, before.size, 'no row added')
    const moved = after.filter((row) => row.enterprise_id === a.id || row.category === 'video')
    const aInW0 = [ids.a1, ids.a2, ids.a3, ids.a4, fifth.id]
    for (const row of moved.filter(
      (row) => row.window_start === W0.start && row.kind !== 'repeat_complainant',
    )) {
      t.equal(Number(row.value), 5, `${row.kind} ${row.subject_key} counts the fifth dispute`)
      t.same(JSON.parse(row.disputes), aInW0, `${row.kind} ${row.subject_key} lists it`)
    }
    const still = after.filter((row) => row.enterprise_id === b.id || row.category === 'phone')
    t.ok(still.length > 0)
    for (const row of still) {
      const earlier = before.get(row.id)
      t.equal(Number(row.value), Number(earlier?.value), `${row.kind} ${row.subject_key} keeps its numbers`)
      t.equal(row.disputes, earlier?.disputes, 'and its list')
      t.ok(row.last_seen_at > (earlier?.last_seen_at ?? ''), 'and is seen again')
    }
  },
)
