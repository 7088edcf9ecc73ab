import t from 'tap'
import { defaultCalendar } from '../../src/domain/working-days.js'
import { type DeadlinePolicy, respondBy } from '../../src/services/disputes/deadline-policy.js'
import { scanDeadlines } from '../../src/services/disputes/deadline-scan.js'
import { openDatabase } from '../../src/storage/database.js'
import { testApp } from '../helpers/app.js'
import { backend, type TestDatabase } from '../helpers/database.js'
import { intakeDispute, settlementOf2700 } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

/*
 * Deadlines against the State Council's 2025 schedule (国办发明电〔2024〕12号): National Day
 * and Mid-Autumn together are off from Wednesday 1 to Wednesday 8 October 2025; Sunday
 * 28 September and Saturday 11 October are worked instead (调休).
 *
 *   September 2025                    October 2025
 *   Mo Tu We Th Fr Sa Su              Mo Tu We Th Fr Sa Su
 *   22 23 24 25 26 27 [28]                 (1  2  3  4  5)
 *   29 30                             (6  7  8) 9 10 [11] 12
 *                                     13 14 15 16 17 18 19
 *                                     20 21 22 23 24 25 26
 *   ( ) statutory holiday, [ ] make-up working day
 *
 * Intake stamps `assigned_at` with the real clock, so to put a dispute on these dates the
 * tests take a dispute made through the API and rewrite its row's `assigned_at` and
 * `respond_by` (the latter computed by `respondBy`, after checking that function against the
 * dates worked out by hand below). The scanner is then run with a `now` of the test's choosing.
 */

const policy: DeadlinePolicy = {
  calendar: defaultCalendar(),
  responseWorkingDays: 10,
  warningWorkingDays: 2,
  mediationWorkingDays: 45,
  autoEscalateOverdue: false,
}

/** An instant written as Shanghai wall-clock time. */
const shanghai = (wallClock: string) => new Date(`${wallClock}+08:00`)
/** The last millisecond of a Shanghai day, as the API writes `respond_by`. */
const endOfShanghaiDay = (day: string) => shanghai(`${day}T23:59:59.999`).toISOString()

interface Tap {
  teardown(fn: () => unknown): void
}

// One gateway for the scanner tests. Each test closes its disputes when it ends, so that the
// next one's scans find only its own (a scan looks at every dispute in the database).
const gateway = (async () => {
  const context = await testApp(t, { config: { deadlineScanIntervalMs: 3_600_000 } })
  const regulatorToken = await accessToken(context.app, await regulatorCredentials(context.database))
  const company = await enrolEnterprise(context.app, regulatorToken, '北京爱看视频科技有限公司')
  return {
    ...context,
    regulatorToken,
    company,
    regulator: as(context.app, regulatorToken),
    enterprise: as(context.app, company.token),
  }
})()

t.test('the 2025 calendar has the National Day holiday and its two make-up working days', async (t) => {
  const calendar = policy.calendar
  for (const day of ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08']) {
    t.notOk(calendar.isWorkingDay(day), `${day} is off`)
  }
  t.ok(calendar.isWorkingDay('2025-09-28'), 'Sunday 28 September is worked')
  t.ok(calendar.isWorkingDay('2025-10-11'), 'Saturday 11 October is worked')
  t.notOk(calendar.isWorkingDay('2025-09-27'), 'Saturday 27 September stays off')
  t.notOk(calendar.isWorkingDay('2025-10-12'), 'Sunday 12 October stays off')
})

t.test('respond_by is the end of the tenth working day after assignment, in Shanghai', async (t) => {
  const cases: [assigned: string, respondByDay: string, why: string][] = [
    [
      '2025-09-26T10:00:00',
      '2025-10-16',
      // After Friday 26 Sep: Sun 28 (1), Mon 29 (2), Tue 30 (3), [1–8 Oct off], Thu 9 (4),
      // Fri 10 (5), Sat 11 (6), Mon 13 (7), Tue 14 (8), Wed 15 (9), Thu 16 (10).
      // Without the holiday it would have been Friday 10 October.
      'assigned on the Friday before the holiday: both make-up days count, the eight days off do not',
    ],
    [
      '2025-09-28T00:30:00',
      '2025-10-17',
      // Shanghai date Sunday 28 Sep (still Saturday 27 in UTC); the day of assignment never
      // counts: Mon 29 (1), Tue 30 (2), Thu 9 (3), Fri 10 (4), Sat 11 (5), Mon 13 (6),
      // Tue 14 (7), Wed 15 (8), Thu 16 (9), Fri 17 (10). Counting from the UTC date would give 16.
      'assigned half an hour into the make-up Sunday: the Shanghai date decides',
    ],
    [
      '2025-09-30T18:00:00',
      '2025-10-21',
      // After Tuesday 30 Sep: Thu 9 (1), Fri 10 (2), Sat 11 (3), Mon 13 (4), Tue 14 (5),
      // Wed 15 (6), Thu 16 (7), Fri 17 (8), Mon 20 (9), Tue 21 (10).
      'assigned on the last working day before the holiday',
    ],
    [
      '2025-10-03T09:00:00',
      '2025-10-21',
      // Assigned during the holiday: counting starts after it, the same ten days as above.
      'assigned during the holiday',
    ],
    [
      '2025-10-11T09:00:00',
      '2025-10-24',
      // After Saturday 11 Oct: Mon 13 (1) … Fri 17 (5), Mon 20 (6) … Fri 24 (10).
      'assigned on the make-up Saturday',
    ],
    [
      '2025-09-24T15:00:00',
      '2025-10-14',
      // After Wednesday 24 Sep: Thu 25 (1), Fri 26 (2), Sun 28 (3), Mon 29 (4), Tue 30 (5),
      // Thu 9 (6), Fri 10 (7), Sat 11 (8), Mon 13 (9), Tue 14 (10).
      'assigned the week before: the deadline lands just after the make-up Saturday',
    ],
    [
      '2025-09-19T11:00:00',
      '2025-10-10',
      // After Friday 19 Sep: Mon 22 (1) … Fri 26 (5), Sun 28 (6), Mon 29 (7), Tue 30 (8),
      // Thu 9 (9), Fri 10 (10).
      'assigned two weeks before: the deadline is the Friday after the holiday',
    ],
  ]
  for (const [assigned, day, why] of cases) {
    const deadline = respondBy(policy, shanghai(assigned))
    t.equal(deadline, endOfShanghaiDay(day), `${why}: ${assigned} → ${day} 23:59:59.999 +08:00`)
    t.match(deadline, /T15:59:59\.999Z$/, 'which is 15:59:59.999 UTC')
  }
})

t.test('intake sets respond_by from the moment of assignment with the configured working days', async (t) => {
  const check = (
    dispute: { respond_by: string; assigned_at: string; overdue: boolean },
    workingDays: number,
  ) => {
    t.equal(
      dispute.respond_by,
      respondBy({ ...policy, responseWorkingDays: workingDays }, new Date(dispute.assigned_at)),
      `${workingDays} working days after ${dispute.assigned_at}`,
    )
    t.match(dispute.respond_by, /T15:59:59\.999Z$/, 'the end of a Shanghai day')
    t.equal(dispute.overdue, false)
  }
  const { app, regulatorToken, company, regulator } = await gateway
  const dispute = await intakeDispute(app, regulatorToken, company.id)
  check(dispute, 10)
  await regulator({ method: 'POST', url: `/v1/disputes/${dispute.id}/withdraw` }) // out of the scanners' way

  const three = await testApp(t, { config: { responseWorkingDays: 3 } })
  const token = await accessToken(three.app, await regulatorCredentials(three.database))
  const shop = await enrolEnterprise(three.app, token, '某某视频')
  check(await intakeDispute(three.app, token, shop.id), 3)
})

// ---------------------------------------------------------------------------------------------
// The scanner

async function scenario(t: Tap, disputes = 1) {
  const context = await gateway
  const ids: string[] = []
  for (let i = 0; i < disputes; i++)
    ids.push((await intakeDispute(context.app, context.regulatorToken, context.company.id)).id)
  t.teardown(async () => {
    for (const id of ids) await context.regulator({ method: 'POST', url: `/v1/disputes/${id}/withdraw` })
  })
  return { ...context, ids, id: ids[0] ?? '' }
}

/** Moves a dispute's assignment to the given moment, with the deadline the policy gives it. */
async function assignOn(database: TestDatabase, id: string, assignedAt: Date): Promise<string> {
  const deadline = respondBy(policy, assignedAt)
  await database.db
    .updateTable('disputes')
    .set({ assigned_at: assignedAt.toISOString(), respond_by: deadline })
    .where('id', '=', id)
    .execute()
  return deadline
}

async function eventsOf(database: TestDatabase, id: string): Promise<string[]> {
  const rows = await database.db
    .selectFrom('events')
    .select('type')
    .where('dispute_id', '=', id)
    .orderBy('sequence')
    .execute()
  return rows.map((row) => row.type)
}

async function deadlineEvents(database: TestDatabase, id: string) {
  const types = await eventsOf(database, id)
  return {
    approaching: types.filter((type) => type === 'dispute.deadline_approaching').length,
    overdue: types.filter((type) => type === 'dispute.overdue').length,
  }
}

async function row(database: TestDatabase, id: string) {
  return database.db
    .selectFrom('disputes')
    .select(['status', 'overdue', 'version'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

t.test('the warning comes before the holiday when only two working days are left after it', async (t) => {
  const { database, id } = await scenario(t)
  const deadline = await assignOn(database, id, shanghai('2025-09-19T11:00:00'))
  t.equal(deadline, endOfShanghaiDay('2025-10-10'))

  // Monday 29 Sep: Tue 30, Thu 9 and Fri 10 are left: three, too early.
  await scanDeadlines(database, policy, shanghai('2025-09-29T10:00:00'))
  t.same(await deadlineEvents(database, id), { approaching: 0, overdue: 0 }, 'three working days left')
  // Tuesday 30 Sep: Thu 9 and Fri 10 are left, ten calendar days ahead: warn now, not after the holiday.
  const warned = await scanDeadlines(database, policy, shanghai('2025-09-30T10:00:00'))
  t.equal(warned.warned, 1)
  t.same(await deadlineEvents(database, id), { approaching: 1, overdue: 0 }, 'two working days left')
  for (const now of [
    '2025-09-30T17:00:00',
    '2025-10-05T12:00:00',
    '2025-10-09T09:00:00',
    '2025-10-10T23:59:59.999',
  ]) {
    await scanDeadlines(database, policy, shanghai(now))
  }
  t.same(
    await deadlineEvents(database, id),
    { approaching: 1, overdue: 0 },
    'warned once, not overdue up to the last millisecond',
  )
  t.equal((await row(database, id)).overdue, 0)
})

t.test('the make-up Saturday counts when the warning is due', async (t) => {
  const { database, id } = await scenario(t)
  const deadline = await assignOn(database, id, shanghai('2025-09-24T15:00:00'))
  t.equal(deadline, endOfShanghaiDay('2025-10-14'))
  // Friday 10 Oct: Sat 11, Mon 13 and Tue 14 are left (a calendar without the make-up day would say two).
  await scanDeadlines(database, policy, shanghai('2025-10-10T16:00:00'))
  t.same(
    await deadlineEvents(database, id),
    { approaching: 0, overdue: 0 },
    'three working days left on Friday',
  )
  // Saturday 11 Oct, a working day: Mon 13 and Tue 14 are left.
  await scanDeadlines(database, policy, shanghai('2025-10-11T09:00:00'))
  t.same(
    await deadlineEvents(database, id),
    { approaching: 1, overdue: 0 },
    'two left on the make-up Saturday',
  )
})

t.test(`a dispute is marked overdue once, the first moment after respond_by (${backend})`, async (t) => {
  const { database, id } = await scenario(t)
  const deadline = await assignOn(database, id, shanghai('2025-09-26T10:00:00'))
  t.equal(deadline, endOfShanghaiDay('2025-10-16'))
  const before = await row(database, id)

  const atDeadline = await scanDeadlines(database, policy, new Date(deadline))
  t.equal(atDeadline.overdue, 0, 'not at 23:59:59.999 on the last day')
  const justAfter = await scanDeadlines(database, policy, new Date(Date.parse(deadline) + 1))
  t.equal(justAfter.overdue, 1, 'overdue at midnight')
  const marked = await row(database, id)
  t.equal(marked.overdue, 1)
  t.equal(marked.status, 'assigned', 'without auto-escalation the status stays')
  t.equal(marked.version, before.version + 1, 'marking is a change of the dispute')

  for (const now of ['2025-10-17T09:00:00', '2025-10-20T09:00:00', '2025-12-01T09:00:00']) {
    const again = await scanDeadlines(database, policy, shanghai(now))
    t.same(again, { warned: 0, overdue: 0 }, `nothing more at ${now}`)
  }
  t.same(await deadlineEvents(database, id), { approaching: 1, overdue: 1 }, 'each event once')
  t.equal((await row(database, id)).version, marked.version)
})

t.test(`two scanners at once mark each dispute overdue once (${backend})`, async (t) => {
  const { database, ids } = await scenario(t, 12)
  for (const id of ids) await assignOn(database, id, shanghai('2025-09-26T10:00:00'))
  // On PostgreSQL a second gateway instance, with its own pool, scans beside the first. The
  // embedded SQLite database belongs to one gateway process: there the scans share its connection.
  const second = backend === 'postgres' ? openDatabase({ ...database.location, poolSize: 8 }) : database
  if (second !== database) t.teardown(() => second.close())
  const now = shanghai('2025-10-17T09:00:00')
  const results = await Promise.all([
    scanDeadlines(database, policy, now),
    scanDeadlines(second, policy, now),
    scanDeadlines(database, policy, now),
    scanDeadlines(second, policy, now),
  ])
  t.equal(
    results.reduce((sum, result) => sum + result.overdue, 0),
    ids.length,
    'between them the scanners mark each dispute once',
  )
  for (const id of ids) {
    t.same((await deadlineEvents(database, id)).overdue, 1, `one dispute.overdue for ${id}`)
    t.equal((await row(database, id)).overdue, 1)
  }
})

t.test('a marked dispute is overdue in the API: on GET and in the overdue list', async (t) => {
  // A real intake with its real deadline, which lies ahead: only the scanner can make it overdue.
  const { database, id, enterprise, regulator } = await scenario(t)
  const fresh = (await enterprise({ url: `/v1/disputes/${id}` })).json()
  t.equal(fresh.overdue, false)
  const listed = async (query: string) =>
    ((await regulator({ url: `/v1/disputes?limit=100&${query}` })).json().data as { id: string }[])
      .map((d) => d.id)
      .filter((listedId) => listedId === id)
  t.same(await listed('overdue=true'), [], 'not in the overdue list yet')
  t.same(await listed('overdue=false'), [id])

  const result = await scanDeadlines(database, policy, new Date(Date.parse(fresh.respond_by) + 1))
  t.equal(result.overdue, 1)
  const seen = await enterprise({ url: `/v1/disputes/${id}` })
  t.match(seen.json(), { overdue: true, status: 'assigned', version: fresh.version + 1 })
  t.equal(seen.headers.etag, `"${fresh.version + 1}"`)
  t.same(await listed('overdue=true'), [id], 'in the overdue list')
  t.same(await listed('overdue=false'), [], 'and out of the other')
  const timeline = (await regulator({ url: `/v1/disputes/${id}/timeline` })).json().data
  t.match(timeline.at(-1), { actor: { role: 'system' } }, 'the marking is in the timeline, by the system')
  t.same(await deadlineEvents(database, id), { approaching: 0, overdue: 1 })
})

t.test('with auto-escalation an overdue dispute goes to administrative mediation', async (t) => {
  const { database, id, enterprise, regulator } = await scenario(t)
  await enterprise({ method: 'POST', url: `/v1/disputes/${id}/accept` })
  await assignOn(database, id, shanghai('2025-09-26T10:00:00'))
  const escalating = { ...policy, autoEscalateOverdue: true }
  const now = shanghai('2025-10-17T00:00:00')
  t.equal((await scanDeadlines(database, escalating, now)).overdue, 1)
  t.equal((await scanDeadlines(database, escalating, now)).overdue, 0, 'a second scan does nothing')

  const seen = (await enterprise({ url: `/v1/disputes/${id}` })).json()
  t.match(seen, { status: 'escalated', overdue: true, allowed_actions: [] })
  const types = await eventsOf(database, id)
  t.equal(types.filter((type) => type === 'dispute.overdue').length, 1)
  t.equal(types.filter((type) => type === 'dispute.escalated').length, 1)
  const closed = await regulator({
    method: 'POST',
    url: `/v1/disputes/${id}/close`,
    payload: { resolution: 'mediated' },
  })
  t.match(closed.json(), { status: 'closed', resolution: 'mediated' }, 'the regulator takes it from there')
})

t.test('a dispute no longer waiting for the enterprise is never marked overdue', async (t) => {
  const { database, ids, enterprise, regulator } = await scenario(t, 4)
  const [settled, returned, escalated, withdrawn] = ids as [string, string, string, string]
  const post = (who: typeof enterprise, id: string, action: string, payload: object = {}) =>
    who({ method: 'POST', url: `/v1/disputes/${id}/${action}`, payload })
  await post(enterprise, settled, 'accept')
  t.equal((await post(enterprise, settled, 'settlements', settlementOf2700)).statusCode, 201)
  await post(enterprise, returned, 'decline', { reason: 'not_responsible' })
  await post(regulator, escalated, 'escalate', { reason: 'Repeated complaints about this merchant.' })
  await post(regulator, withdrawn, 'withdraw', { note: 'The consumer withdrew.' })
  for (const id of ids) await assignOn(database, id, shanghai('2025-09-26T10:00:00'))
  const versions = await Promise.all(ids.map(async (id) => (await row(database, id)).version))

  for (const now of ['2025-10-15T09:00:00', '2025-10-17T09:00:00', '2026-01-05T09:00:00']) {
    t.same(
      await scanDeadlines(database, policy, shanghai(now)),
      { warned: 0, overdue: 0 },
      `nothing at ${now}`,
    )
  }
  for (const [index, id] of ids.entries()) {
    const name = ['settled', 'returned', 'escalated', 'withdrawn'][index]
    t.same(await deadlineEvents(database, id), { approaching: 0, overdue: 0 }, `${name}: no deadline events`)
    t.match(await row(database, id), { overdue: 0, version: versions[index] }, `${name}: unchanged`)
    const seen = (await regulator({ url: `/v1/disputes/${id}` })).json()
    t.equal(seen.overdue, false, `${name}: not overdue in the API`)
  }
  const overdueList = (await regulator({ url: '/v1/disputes?overdue=true&limit=100' })).json()
  t.same(
    overdueList.data.filter((dispute: { id: string }) => ids.includes(dispute.id)),
    [],
    'none in the overdue list',
  )
})
