import { parse } from 'csv-parse/sync'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { addUnit } from '../helpers/dispatch.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { addNode, uniqueCode } from '../helpers/jurisdictions.js'

/*
 * A league table counted by hand. Each dispute is registered through the API and then given
 * the end its row would have (the stats tests drive every action through the API; here only
 * the counts that rank matter). Hours are handling times of settled disputes.
 *
 *  assignee  disputes  settled (hours)        escalated  returned  overdue  responded
 *  A         6         4 (10, 20, 30, 40)     1          1         1        5
 *  B         5         3 (12, 12, 12)         0          2         0        3
 *  C         10        6 (30 each)            4          0         2        6
 *  U (unit)  5         5 (12 each)            0          0         0        5
 *  D         2         2 (1 each)             0          0         0        2    below the minimum of 5
 *  E         5         0                      0          5         0        0    no handling time
 */

type End = 'settled' | 'escalated' | 'returned'
interface Planned {
  end: End
  hours?: number
  overdue?: boolean
  responded?: boolean
}

const plan = (count: number, planned: Planned): Planned[] => Array.from({ length: count }, () => planned)

const scenario = (async () => {
  const { app, database } = await testApp(t)
  const root = await accessToken(app, await regulatorCredentials(database))
  const a = await enrolEnterprise(app, root, '北京甲科技有限公司')
  const b = await enrolEnterprise(app, root, '北京乙电商有限公司')
  const c = await enrolEnterprise(app, root, '北京丙家电有限公司')
  const d = await enrolEnterprise(app, root, '北京丁文化有限公司')
  const e = await enrolEnterprise(app, root, '北京戊旅游有限公司')
  const unit = await addUnit(app, root, { name: '朝阳消费纠纷调解中队', kind: 'task_force' })
  const district = await addNode(app, root, {
    name: '海淀区',
    code: uniqueCode('district'),
    level: 'district',
  })

  const give = async (
    holder: { type: 'enterprise' | 'unit'; id: string },
    disputes: Planned[],
    jurisdictionId?: string,
  ) => {
    for (const planned of disputes) {
      // A unit's disputes are registered against any enterprise, then handed to the unit.
      const dispute = await intakeDispute(app, root, holder.type === 'enterprise' ? holder.id : a.id)
      const assigned = Date.parse(dispute.assigned_at)
      const at = (hours: number) => new Date(assigned + hours * 3_600_000).toISOString()
      await database.db
        .updateTable('disputes')
        .set({
          assignee_type: holder.type,
          assignee_id: holder.id,
          enterprise_id: holder.type === 'enterprise' ? holder.id : null,
          ...(jurisdictionId ? { jurisdiction_id: jurisdictionId } : {}),
          respond_by: at(72),
          status: planned.end === 'settled' ? 'closed' : planned.end,
          resolution: planned.end === 'settled' ? 'settled' : null,
          handling_ms: planned.end === 'settled' ? (planned.hours ?? 0) * 3_600_000 : null,
          overdue: planned.overdue ? 1 : 0,
          accepted_at: planned.responded ? at(1) : null,
          first_contact_at: planned.responded ? at(2) : null,
        })
        .where('id', '=', dispute.id)
        .execute()
    }
  }

  await give({ type: 'enterprise', id: a.id }, [
    { end: 'settled', hours: 10, overdue: true, responded: true },
    { end: 'settled', hours: 20, responded: true },
    { end: 'settled', hours: 30, responded: true },
    { end: 'settled', hours: 40, responded: true },
    { end: 'escalated', responded: true },
    { end: 'returned' },
  ])
  await give({ type: 'enterprise', id: b.id }, [
    ...plan(3, { end: 'settled', hours: 12, responded: true }),
    ...plan(2, { end: 'returned' }),
  ])
  await give({ type: 'enterprise', id: c.id }, [
    ...plan(2, { end: 'settled', hours: 30, overdue: true, responded: true }),
    ...plan(4, { end: 'settled', hours: 30, responded: true }),
    ...plan(4, { end: 'escalated' }),
  ])
  await give({ type: 'unit', id: unit.id }, plan(5, { end: 'settled', hours: 12, responded: true }))
  await give({ type: 'enterprise', id: d.id }, plan(2, { end: 'settled', hours: 1, responded: true }))
  // E's disputes were received in the district: its regulator sees E and nobody else.
  await give({ type: 'enterprise', id: e.id }, plan(5, { end: 'returned' }), district.id)

  const rank = async (query: string, token = root) => {
    const res = await as(app, token)({ method: 'GET', url: `/v1/stats/rankings?${query}` })
    return { status: res.statusCode, body: res.json() }
  }
  return { app, root, a, b, c, d, e, unit, district, rank }
})()

/** Two assignees with equal values appear in the order of their ids. */
const byId = (...ids: string[]): [string, string] => {
  const [first = '', second = ''] = [...ids].sort()
  return [first, second]
}

t.test('ranks assignees by settlement rate, ties sharing a rank, below the minimum left out', async (t) => {
  const { a, b, c, e, unit, rank } = await scenario
  const { status, body } = await rank('metric=settlement_rate')
  t.equal(status, 200)
  const [first, second] = byId(b.id, c.id)
  t.same(
    body.data.map((row: { rank: number; assignee: { id: string }; value: number }) => [
      row.rank,
      row.assignee.id,
      row.value,
    ]),
    [
      [1, unit.id, 5 / 5],
      [2, a.id, 4 / (4 + 1 + 1)],
      [3, first, 3 / (3 + 2)],
      [3, second, 6 / (6 + 4)],
      [5, e.id, 0 / 5],
    ],
  )
  t.equal(body.excluded_below_minimum, 1, 'D concluded 2 disputes, fewer than the default 5')
  t.equal(body.excluded_without_value, 0)
  t.equal(body.min_concluded, 5)
  t.equal(body.object, 'ranking')
})

t.test('names each assignee and shows the indicators behind its rank', async (t) => {
  const { a, unit, rank } = await scenario
  const { body } = await rank('metric=settlement_rate')
  const rowOf = (id: string) => body.data.find((row: { assignee: { id: string } }) => row.assignee.id === id)
  t.same(rowOf(unit.id).assignee, { type: 'unit', id: unit.id, name: '朝阳消费纠纷调解中队' })
  t.same(rowOf(a.id).assignee, { type: 'enterprise', id: a.id, name: '北京甲科技有限公司' })
  t.match(rowOf(a.id).indicators, {
    group: a.id,
    received: 6,
    settled: 4,
    escalated: 1,
    returned: 1,
    on_time_rate: 5 / 6,
    response_rate: 5 / 6,
    avg_handling_hours: (10 + 20 + 30 + 40) / 4,
  })
})

t.test('ranks the fastest first by average handling hours, leaving out who settled nothing', async (t) => {
  const { a, b, c, unit, rank } = await scenario
  const { body } = await rank('metric=avg_handling_hours')
  const [first, second] = byId(b.id, unit.id)
  t.same(
    body.data.map((row: { rank: number; assignee: { id: string }; value: number }) => [
      row.rank,
      row.assignee.id,
      row.value,
    ]),
    [
      [1, first, (12 * 3) / 3],
      [1, second, (12 * 5) / 5],
      [3, a.id, (10 + 20 + 30 + 40) / 4],
      [4, c.id, (30 * 6) / 6],
    ],
  )
  t.equal(body.excluded_without_value, 1, 'E settled nothing, so it has no handling time')
})

t.test('ranks by on-time and response rates', async (t) => {
  const { a, b, c, e, unit, rank } = await scenario
  const onTime = (await rank('metric=on_time_rate')).body
  const values = (body: { data: { assignee: { id: string }; value: number; rank: number }[] }) =>
    Object.fromEntries(body.data.map((row) => [row.assignee.id, [row.rank, row.value]]))
  t.same(values(onTime), {
    [b.id]: [1, 5 / 5],
    [unit.id]: [1, 5 / 5],
    [e.id]: [1, 5 / 5],
    [a.id]: [4, (6 - 1) / 6],
    [c.id]: [5, (10 - 2) / 10],
  })
  const response = (await rank('metric=response_rate')).body
  t.same(values(response), {
    [unit.id]: [1, 5 / 5],
    [a.id]: [2, 5 / 6],
    [c.id]: [3, 6 / 10],
    [b.id]: [3, 3 / 5],
    [e.id]: [5, 0 / 5],
  })
})

t.test('ranks by volume received, and a minimum of 0 ranks everyone', async (t) => {
  const { c, d, rank } = await scenario
  const { body } = await rank('metric=received&min_concluded=0')
  t.same(
    body.data.map((row: { rank: number; value: number }) => [row.rank, row.value]),
    [
      [1, 10],
      [2, 6],
      [3, 5],
      [3, 5],
      [3, 5],
      [6, 2],
    ],
  )
  t.equal(body.data[0].assignee.id, c.id)
  t.equal(body.data[5].assignee.id, d.id)
  t.equal(body.excluded_below_minimum, 0)
})

t.test('ranks only units, or only enterprises, when asked', async (t) => {
  const { unit, rank } = await scenario
  const units = (await rank('metric=received&assignee_type=unit')).body
  t.same(
    units.data.map((row: { assignee: { id: string } }) => row.assignee.id),
    [unit.id],
  )
  const enterprises = (await rank('metric=received&assignee_type=enterprise')).body
  t.notOk(enterprises.data.some((row: { assignee: { type: string } }) => row.assignee.type === 'unit'))
  t.equal(enterprises.data.length, 4)
})

t.test("a district's regulator ranks only what its subtree received", async (t) => {
  const { e, district, rank } = await scenario
  const { status, body } = await rank('metric=received', district.regulator.token)
  t.equal(status, 200)
  t.same(
    body.data.map((row: { assignee: { id: string } }) => row.assignee.id),
    [e.id],
  )
  const outside = await rank(`metric=received&jurisdiction_id=${district.id}`)
  t.same(
    outside.body.data.map((row: { assignee: { id: string } }) => row.assignee.id),
    [e.id],
    'the root narrowed to the district sees the same',
  )
})

t.test('refuses bad input with a problem and enterprises with forbidden', async (t) => {
  const { a, rank } = await scenario
  for (const query of [
    '',
    'metric=popularity',
    'metric=received&min_concluded=-1',
    'metric=received&assignee_type=person',
    'metric=received&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
  ]) {
    const { status, body } = await rank(query)
    t.equal(status, 400, query)
    t.equal(body.code, 'validation_failed', query)
  }
  const { status, body } = await rank('metric=received', a.token)
  t.equal(status, 403)
  t.equal(body.code, 'forbidden')
})

t.test('the ranking comes as CSV, line for line the JSON table, with Chinese headers', async (t) => {
  const { app, root } = await scenario
  const json = (
    await as(app, root)({ method: 'GET', url: '/v1/stats/rankings?metric=settlement_rate' })
  ).json()
  const res = await as(
    app,
    root,
  )({
    method: 'GET',
    url: '/v1/stats/rankings?metric=settlement_rate',
    headers: { accept: 'text/csv' },
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  t.equal(res.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf')
  const rows: Record<string, string>[] = parse(res.body, { bom: true, columns: true })
  t.same(
    rows.map((row) => [Number(row['排名']), row['承办方编号'], row['承办方名称'], Number(row['指标值'])]),
    json.data.map((row: { rank: number; assignee: { id: string; name: string }; value: number }) => [
      row.rank,
      row.assignee.id,
      row.assignee.name,
      row.value,
    ]),
  )
})

t.test('the stats per assignee come as CSV with English headers by lang=en', async (t) => {
  const { app, root, a } = await scenario
  const res = await as(app, root)({ method: 'GET', url: '/v1/stats?group_by=assignee&format=csv&lang=en' })
  t.equal(res.statusCode, 200)
  const rows: Record<string, string>[] = parse(res.body, { bom: true, columns: true })
  const ofA = rows.find((row) => row.group === a.id)
  t.match(ofA, { received: '6', settled: '4', escalated: '1', returned: '1', refunded_cny: '0.00' })
  t.equal(Number(ofA?.settlement_rate), 4 / 6)
  t.equal(rows.length, 6, 'one line per assignee: A to E and the unit')
})
