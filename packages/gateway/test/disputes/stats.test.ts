import type { Kysely } from 'kysely'
import t from 'tap'
import { deadlinePolicyFrom, respondBy } from '../../src/services/disputes/deadline-policy.js'
import { scanDeadlines } from '../../src/services/disputes/deadline-scan.js'
import { deriveIndicatorColumns } from '../../src/storage/migrations/0010-indicator-columns.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

/*
 * A hand-counted scenario. Intake and every action go through the API, so records, the
 * timeline and the overdue flag are real; intake stamps `assigned_at` with the real clock,
 * so each dispute's row then gets the assignment time of the scenario (and the `respond_by`
 * that follows from it, and for the settled ones a `closed_at`). A dispute meant to be late
 * is moved into the past before the enterprise acts, so its answer comes after `respond_by`
 * and the gateway marks it overdue itself; the others are moved after they are answered.
 *
 * The window is January and February 2026 in China Standard Time:
 * [2025-12-31T16:00Z, 2026-02-28T16:00Z).
 *
 *  dispute ent month  what happened                                   counts as
 *  A1      A   01     accepted, contact, settled 27.00, refunded,      settled, on time, responded,
 *                     fulfilled after 48 h; callback resolved+satisfied   feedback: satisfied, resolved
 *  A2      A   02*    same, 50.00 agreed, 30.00 refunded, 24 h;        settled, on time, responded,
 *                     callback not resolved, basically satisfied         feedback: satisfied
 *  A3      A   01     late: accepted and contact after respond_by,     escalated, overdue, late;
 *                     not settled, closed by the regulator (mediated)  feedback: neither
 *  A4      A   01     escalated by the regulator before the deadline,  escalated, on time
 *                     closed (terminated)
 *  A5      A   02     still assigned, deadline passed                  overdue
 *  A6      A   02     accepted, contact in time, still in progress     overdue, responded
 *  A7      A   01     withdrawn                                        withdrawn
 *  A8      A   01     escalated by the deadline scanner when overdue   escalated, overdue, late
 *                     (auto-escalation on), closed (mediated)
 *  B1      B   01     declined                                         returned, on time
 *  B2      B   01     declined, closed by the regulator (rejected)     returned, on time
 *  B3      B   01     accepted, unanswered call in time, settled       settled, on time, responded,
 *                     without money after 72 h; callback resolved+sat.   feedback: satisfied, resolved
 *  B4      C   02     B called, then declined; assigned to C, which    accepted, not responded (the
 *                     accepted without a call and agreed a settlement  call was B's), not concluded
 *  X1      A   (Dec)  assigned 1 ms before the window
 *  X2      A   (Mar)  assigned at the window's end (excluded: `to` is exclusive)
 *
 *  * A2 is assigned at 2026-01-31T16:30Z: January in UTC, 1 February 00:30 in Beijing.
 *  Problem types: B1 and B2 quality, A5 false_advertising, the rest contract.
 */

const FROM = '2026-01-01T00:00:00+08:00'
const TO = '2026-03-01T00:00:00+08:00'
const window = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`
const hours = (time: string, h: number) => new Date(new Date(time).getTime() + h * 3_600_000).toISOString()

const scenario = (async () => {
  const { app, database, config } = await testApp(t, { config: { deadlineScanIntervalMs: 3_600_000 } })
  const policy = deadlinePolicyFrom(config)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const a = await enrolEnterprise(app, regulatorToken, '北京爱看视频科技有限公司')
  const b = await enrolEnterprise(app, regulatorToken, '北京优品电商有限公司')
  const c = await enrolEnterprise(app, regulatorToken, '北京安居家电维修服务有限公司')
  const d = await enrolEnterprise(app, regulatorToken, '北京无诉科技有限公司')

  const open = async (enterpriseId: string, problemType = 'contract') =>
    (await intakeDispute(app, regulatorToken, enterpriseId, { problem_type: problemType })).id as string
  const act = async (token: string, id: string, action: string, payload: object = {}) => {
    const res = await as(app, token)({ method: 'POST', url: `/v1/disputes/${id}/${action}`, payload })
    if (res.statusCode >= 300) throw new Error(`${action} on ${id}: ${res.statusCode} ${res.body}`)
  }
  /**
   * Puts the dispute's current assignment at `assignedAt`, with the deadline that follows from
   * it (and a closing at `closedAt`, with the handling time the gateway keeps for the indicators).
   */
  const place = async (id: string, assignedAt: string, closedAt?: string) => {
    await database.db
      .updateTable('disputes')
      .set({
        assigned_at: assignedAt,
        respond_by: respondBy(policy, new Date(assignedAt)),
        ...(closedAt
          ? {
              closed_at: closedAt,
              handling_ms: Date.parse(closedAt) - Date.parse(assignedAt),
              // Received when assigned: the consumer's wait is the handling time.
              received_at: assignedAt,
              resolution_ms: Date.parse(closedAt) - Date.parse(assignedAt),
            }
          : {}),
      })
      .where('id', '=', id)
      .execute()
  }
  /**
   * Moves only the assignment into the past, before the enterprise reports a time of its
   * handling (which may not precede the assignment); the deadline stays ahead until `place`.
   */
  const assignedBefore = async (id: string, assignedAt: string) => {
    await database.db.updateTable('disputes').set({ assigned_at: assignedAt }).where('id', '=', id).execute()
  }
  const contact = (token: string, id: string, at: string, reached = true) =>
    act(token, id, 'contacts', {
      channel: 'phone',
      contacted_at: at,
      reached,
      summary: 'Called the consumer.',
    })
  const settle = async (token: string, id: string, amount?: number) => {
    await act(token, id, 'settlements', {
      remedy: amount ? 'partial_refund' : 'apology',
      ...(amount ? { amount: { amount, currency: 'CNY' } } : {}),
      terms: 'As agreed on the phone.',
      agreed_at: new Date().toISOString(),
      consumer_consent: { method: 'phone_recording', reference: `REC-${id}` },
    })
  }
  const refund = (token: string, id: string, amount: number) =>
    act(token, id, 'refunds', {
      amount: { amount, currency: 'CNY' },
      method: 'original_payment',
      reference: `RF-${id}`,
      refunded_at: new Date().toISOString(),
    })
  const fulfil = (token: string, id: string) =>
    act(token, id, 'outcome', { result: 'fulfilled', summary: 'Done as agreed.' })
  const callback = (id: string, resolved: boolean, satisfaction: string) =>
    act(regulatorToken, id, 'feedback', { resolved, satisfaction })

  // A8 first: the scan that escalates it looks at every dispute past its deadline.
  const a8 = await open(a.id)
  await place(a8, '2026-01-21T02:00:00.000Z')
  await scanDeadlines(database, { ...policy, autoEscalateOverdue: true })
  await act(regulatorToken, a8, 'close', { resolution: 'mediated' })
  // A1
  const a1 = await open(a.id)
  await assignedBefore(a1, '2026-01-05T02:00:00.000Z')
  await act(a.token, a1, 'accept')
  await contact(a.token, a1, '2026-01-05T03:00:00.000Z')
  await settle(a.token, a1, 2700)
  await refund(a.token, a1, 2700)
  await fulfil(a.token, a1)
  await callback(a1, true, 'satisfied')
  await place(a1, '2026-01-05T02:00:00.000Z', '2026-01-07T02:00:00.000Z')
  // A2: the month boundary
  const a2 = await open(a.id)
  await assignedBefore(a2, '2026-01-31T16:30:00.000Z')
  await act(a.token, a2, 'accept')
  await contact(a.token, a2, '2026-02-01T01:00:00.000Z')
  await settle(a.token, a2, 5000)
  await refund(a.token, a2, 3000)
  await fulfil(a.token, a2)
  await callback(a2, false, 'basically_satisfied')
  await place(a2, '2026-01-31T16:30:00.000Z', '2026-02-01T16:30:00.000Z')
  // A3: late from the start
  const a3 = await open(a.id)
  await place(a3, '2026-01-10T02:00:00.000Z')
  const a3RespondBy = respondBy(policy, new Date('2026-01-10T02:00:00.000Z'))
  await act(a.token, a3, 'accept')
  await contact(a.token, a3, hours(a3RespondBy, 24))
  await act(a.token, a3, 'outcome', { result: 'not_settled', summary: 'The consumer wants a replacement.' })
  await act(regulatorToken, a3, 'close', { resolution: 'mediated' })
  await callback(a3, false, 'dissatisfied')
  // A4
  const a4 = await open(a.id)
  await act(regulatorToken, a4, 'escalate', { reason: 'Several consumers complain of the same practice.' })
  await act(regulatorToken, a4, 'close', { resolution: 'terminated' })
  await place(a4, '2026-01-15T02:00:00.000Z')
  // A5
  const a5 = await open(a.id, 'false_advertising')
  await place(a5, '2026-02-10T02:00:00.000Z')
  // A6
  const a6 = await open(a.id)
  await assignedBefore(a6, '2026-02-12T02:00:00.000Z')
  await act(a.token, a6, 'accept')
  await contact(a.token, a6, '2026-02-12T05:00:00.000Z')
  await place(a6, '2026-02-12T02:00:00.000Z')
  // A7
  const a7 = await open(a.id)
  await act(regulatorToken, a7, 'withdraw', { note: 'The consumer withdrew the complaint.' })
  await place(a7, '2026-01-20T02:00:00.000Z')
  // B1, B2
  const b1 = await open(b.id, 'quality')
  await act(b.token, b1, 'decline', { reason: 'not_responsible' })
  await place(b1, '2026-01-08T02:00:00.000Z')
  const b2 = await open(b.id, 'quality')
  await act(b.token, b2, 'decline', { reason: 'duplicate' })
  await act(regulatorToken, b2, 'close', { resolution: 'rejected' })
  await place(b2, '2026-01-09T02:00:00.000Z')
  // B3
  const b3 = await open(b.id)
  await assignedBefore(b3, '2026-01-12T02:00:00.000Z')
  await act(b.token, b3, 'accept')
  await contact(b.token, b3, '2026-01-12T04:00:00.000Z', false)
  await settle(b.token, b3)
  await fulfil(b.token, b3)
  await callback(b3, true, 'satisfied')
  await place(b3, '2026-01-12T02:00:00.000Z', '2026-01-15T02:00:00.000Z')
  // B4, now C's
  const b4 = await open(b.id)
  await assignedBefore(b4, '2026-02-03T02:00:00.000Z')
  await contact(b.token, b4, '2026-02-03T03:00:00.000Z')
  await act(b.token, b4, 'decline', { reason: 'not_responsible' })
  await act(regulatorToken, b4, 'assign', { enterprise_id: c.id })
  await act(c.token, b4, 'accept')
  await settle(c.token, b4, 1000)
  await place(b4, '2026-02-03T02:00:00.000Z')
  // Outside the window
  await place(await open(a.id), '2025-12-31T15:59:59.999Z')
  await place(await open(a.id), '2026-02-28T16:00:00.000Z')

  return {
    app,
    database,
    regulator: as(app, regulatorToken),
    a,
    b,
    c,
    d,
    stats: async (token: string, query: string) => {
      const res = await as(app, token)({ url: `/v1/stats?${query}` })
      return res
    },
    regulatorToken,
  }
})()

const money = (amount: number) => ({ amount, currency: 'CNY' })

const totals = {
  group: null,
  received: 12,
  accepted: 6,
  settled: 3,
  escalated: 3,
  returned: 2,
  withdrawn: 1,
  overdue: 4,
  settlement_rate: 3 / 8,
  on_time_rate: 6 / 8,
  response_rate: 4 / 12,
  satisfaction_rate: 3 / 4,
  resolution_rate: 2 / 4,
  avg_handling_hours: 48,
  avg_days_to_resolution: { direct: 2, mediated: 0 },
  urged: 0,
  consumer_confirmed_rate: null,
  consumer_satisfaction_rate: null,
  refunded: money(5700),
}

const enterpriseA = {
  received: 8,
  accepted: 4,
  settled: 2,
  escalated: 3,
  returned: 0,
  withdrawn: 1,
  overdue: 4,
  settlement_rate: 2 / 5,
  on_time_rate: 3 / 5,
  response_rate: 3 / 8,
  satisfaction_rate: 2 / 3,
  resolution_rate: 1 / 3,
  avg_handling_hours: 36,
  avg_days_to_resolution: { direct: 1.5, mediated: 0 },
  urged: 0,
  consumer_confirmed_rate: null,
  consumer_satisfaction_rate: null,
  refunded: money(5700),
}

const empty = {
  group: null,
  received: 0,
  accepted: 0,
  settled: 0,
  escalated: 0,
  returned: 0,
  withdrawn: 0,
  overdue: 0,
  settlement_rate: null,
  on_time_rate: null,
  response_rate: null,
  satisfaction_rate: null,
  resolution_rate: null,
  avg_handling_hours: null,
  avg_days_to_resolution: { direct: null, mediated: null },
  urged: 0,
  consumer_confirmed_rate: null,
  consumer_satisfaction_rate: null,
  refunded: money(0),
}

t.test(`the totals of a window count every indicator as worked out by hand (${backend})`, async (t) => {
  const { stats, regulatorToken } = await scenario
  const res = await stats(regulatorToken, window)
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), {
    object: 'stats',
    from: '2025-12-31T16:00:00.000Z',
    to: '2026-02-28T16:00:00.000Z',
    group_by: null,
    data: [totals],
  })
})

t.test(
  'per enterprise: each its own disputes, a reassigned one counting for its new enterprise',
  async (t) => {
    const { stats, regulatorToken, a, b, c } = await scenario
    const res = await stats(regulatorToken, `${window}&group_by=enterprise`)
    t.equal(res.statusCode, 200)
    const expected = [
      { group: a.id, ...enterpriseA },
      {
        group: b.id,
        received: 3,
        accepted: 1,
        settled: 1,
        escalated: 0,
        returned: 2,
        withdrawn: 0,
        overdue: 0,
        settlement_rate: 1 / 3,
        on_time_rate: 1,
        response_rate: 1 / 3,
        satisfaction_rate: 1,
        resolution_rate: 1,
        avg_handling_hours: 72,
        avg_days_to_resolution: { direct: 3, mediated: null },
        urged: 0,
        consumer_confirmed_rate: null,
        consumer_satisfaction_rate: null,
        refunded: money(0),
      },
      {
        group: c.id,
        received: 1,
        accepted: 1,
        settled: 0,
        escalated: 0,
        returned: 0,
        withdrawn: 0,
        overdue: 0,
        settlement_rate: null,
        on_time_rate: null,
        response_rate: 0,
        satisfaction_rate: null,
        resolution_rate: null,
        avg_handling_hours: null,
        avg_days_to_resolution: { direct: null, mediated: null },
        urged: 0,
        consumer_confirmed_rate: null,
        consumer_satisfaction_rate: null,
        refunded: money(0),
      },
    ].sort((x, y) => (x.group < y.group ? -1 : 1))
    t.strictSame(res.json().data, expected)
    t.equal(res.json().group_by, 'enterprise')
  },
)

t.test('per month: months are China Standard Time, so 31 January 16:30 UTC is February', async (t) => {
  const { stats, regulatorToken } = await scenario
  const res = await stats(regulatorToken, `${window}&group_by=month`)
  t.equal(res.statusCode, 200)
  t.strictSame(res.json().data, [
    {
      group: '2026-01',
      received: 8,
      accepted: 3,
      settled: 2,
      escalated: 3,
      returned: 2,
      withdrawn: 1,
      overdue: 2,
      settlement_rate: 2 / 7,
      on_time_rate: 5 / 7,
      response_rate: 2 / 8,
      satisfaction_rate: 2 / 3,
      resolution_rate: 2 / 3,
      avg_handling_hours: 60,
      avg_days_to_resolution: { direct: 2.5, mediated: 0 },
      urged: 0,
      consumer_confirmed_rate: null,
      consumer_satisfaction_rate: null,
      refunded: money(2700),
    },
    {
      group: '2026-02',
      received: 4,
      accepted: 3,
      settled: 1,
      escalated: 0,
      returned: 0,
      withdrawn: 0,
      overdue: 2,
      settlement_rate: 1,
      on_time_rate: 1,
      response_rate: 2 / 4,
      satisfaction_rate: 1,
      resolution_rate: 0,
      avg_handling_hours: 24,
      avg_days_to_resolution: { direct: 1, mediated: null },
      urged: 0,
      consumer_confirmed_rate: null,
      consumer_satisfaction_rate: null,
      refunded: money(3000),
    },
  ])
})

t.test('per problem type, in order of the type', async (t) => {
  const { stats, regulatorToken } = await scenario
  const res = await stats(regulatorToken, `${window}&group_by=problem_type`)
  t.equal(res.statusCode, 200)
  t.strictSame(res.json().data, [
    {
      group: 'contract',
      received: 9,
      accepted: 6,
      settled: 3,
      escalated: 3,
      returned: 0,
      withdrawn: 1,
      overdue: 3,
      settlement_rate: 3 / 6,
      on_time_rate: 4 / 6,
      response_rate: 4 / 9,
      satisfaction_rate: 3 / 4,
      resolution_rate: 2 / 4,
      avg_handling_hours: 48,
      avg_days_to_resolution: { direct: 2, mediated: 0 },
      urged: 0,
      consumer_confirmed_rate: null,
      consumer_satisfaction_rate: null,
      refunded: money(5700),
    },
    {
      ...empty,
      group: 'false_advertising',
      received: 1,
      overdue: 1,
      response_rate: 0,
    },
    {
      ...empty,
      group: 'quality',
      received: 2,
      returned: 2,
      settlement_rate: 0,
      on_time_rate: 1,
      response_rate: 0,
    },
  ])
})

t.test(
  'the window is [from, to): its start is in, its end is out, and without from it starts at the first dispute',
  async (t) => {
    const { stats, regulatorToken } = await scenario
    const sinceEver = (await stats(regulatorToken, `to=${encodeURIComponent(TO)}`)).json()
    t.equal(sinceEver.from, null)
    t.equal(sinceEver.data[0].received, 13, 'the dispute of 31 December 23:59:59.999 in Beijing is in')
    const fromTheEnd = (await stats(regulatorToken, `from=${encodeURIComponent(TO)}`)).json()
    t.equal(fromTheEnd.data[0].received, 1, 'the dispute assigned at `to` belongs to the next window')
    t.ok(Date.parse(fromTheEnd.to) <= Date.now(), 'to defaults to now')
    t.equal(fromTheEnd.data[0].overdue, 1, 'it is still assigned long after its deadline')
  },
)

t.test('one enterprise, or an empty window: zero counts, null rates and no average', async (t) => {
  const { stats, regulatorToken, a, d } = await scenario
  const one = (await stats(regulatorToken, `${window}&enterprise_id=${a.id}`)).json()
  t.strictSame(one.data, [{ group: null, ...enterpriseA }])
  const none = (await stats(regulatorToken, `${window}&enterprise_id=${d.id}`)).json()
  t.strictSame(none.data, [empty], 'an enterprise without disputes')
  const quiet = await stats(
    regulatorToken,
    'from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z&group_by=month',
  )
  t.strictSame(quiet.json().data, [], 'no group without disputes')
  const quietTotals = await stats(regulatorToken, 'from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z')
  t.strictSame(quietTotals.json().data, [empty], 'but the totals are always there')
})

t.test(
  'an enterprise sees only its own figures; another enterprise is not found, like a missing one',
  async (t) => {
    const { stats, a, b } = await scenario
    const own = await stats(a.token, window)
    t.equal(own.statusCode, 200)
    t.strictSame(own.json().data, [{ group: null, ...enterpriseA }])
    const grouped = await stats(a.token, `${window}&group_by=enterprise`)
    t.strictSame(grouped.json().data, [{ group: a.id, ...enterpriseA }], 'grouping shows no other enterprise')
    const named = await stats(a.token, `${window}&enterprise_id=${a.id}`)
    t.strictSame(named.json().data, own.json().data)

    const other = await stats(a.token, `${window}&enterprise_id=${b.id}`)
    const missing = await stats(a.token, `${window}&enterprise_id=ent_00000000000000000000000000`)
    for (const res of [other, missing]) {
      t.equal(res.statusCode, 404)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      t.equal(res.json().code, 'not_found')
      t.notOk('data' in res.json())
    }
    t.same(Object.keys(other.json()).sort(), Object.keys(missing.json()).sort())
  },
)

t.test('bad parameters are a 400 problem with a stable code and nothing else', async (t) => {
  const { stats, regulatorToken } = await scenario
  const cases: [query: string, path: string][] = [
    [`from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`, 'querystring/from'],
    [`from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(FROM)}`, 'querystring/from'],
    ['from=2999-01-01T00:00:00Z', 'querystring/from'],
    ['from=2026-01-01', 'querystring/from'],
    ['to=yesterday', 'querystring/to'],
    ['group_by=week', 'querystring/group_by'],
    ['enterprise_id=', 'querystring/enterprise_id'],
  ]
  for (const [query, path] of cases) {
    const res = await stats(regulatorToken, query)
    t.equal(res.statusCode, 400, query)
    t.match(res.headers['content-type'], /^application\/problem\+json/, query)
    const body = res.json()
    t.equal(body.code, 'validation_failed', query)
    t.equal(body.errors?.[0]?.path, path, query)
    t.notOk('data' in body, query)
  }
})

t.test('a token without stats:read is refused', async (t) => {
  const { app, a } = await scenario
  const narrow = await accessToken(app, a.credentials, 'disputes:read')
  const res = await as(app, narrow)({ url: '/v1/stats' })
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'forbidden')
  const anonymous = await app.inject({ url: '/v1/stats' })
  t.equal(anonymous.statusCode, 401)
})

t.test(
  `the indicator columns each write keeps on the dispute equal what the migration derives from its records, timeline and documents (${backend})`,
  async (t) => {
    const { database } = await scenario
    const columns = [
      'first_contact_at',
      'escalated_at',
      'feedback_satisfaction',
      'feedback_resolved',
      'handling_ms',
    ] as const
    const read = () =>
      database.db
        .selectFrom('disputes')
        .select(['id', 'resolution', ...columns])
        .orderBy('id')
        .execute()
    const kept = await read()
    for (const column of columns) {
      t.ok(
        kept.some((row) => row[column] !== null),
        `the scenario sets ${column} somewhere`,
      )
    }
    await database.db
      .updateTable('disputes')
      .set({
        first_contact_at: null,
        escalated_at: null,
        feedback_satisfaction: null,
        feedback_resolved: null,
        handling_ms: null,
      })
      .execute()
    await deriveIndicatorColumns(database.db as unknown as Kysely<unknown>, database.dialect)
    const derived = await read()
    const exact = (rows: typeof kept) =>
      rows.map(({ escalated_at: _escalated, ...row }) => ({
        ...row,
        handling_ms: row.handling_ms === null ? null : Number(row.handling_ms),
      }))
    t.same(
      exact(derived),
      exact(kept),
      'first contacts, feedback answers and handling times: the same values',
    )
    // The timeline stamps an entry when it is appended, a moment after the write's own clock
    // reading that the column takes: the same escalation, within the write.
    for (const [i, row] of derived.entries()) {
      const own = kept[i]?.escalated_at ?? null
      if (own === null || row.escalated_at === null)
        t.equal(row.escalated_at, own, `${row.id}: escalated or not`)
      else
        t.ok(
          Math.abs(Date.parse(row.escalated_at) - Date.parse(own)) < 1000,
          `${row.id}: escalated at the write`,
        )
    }
  },
)
