import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import chineseDays from 'chinese-days'
import published from 'chinese-days/dist/chinese-days.json' with { type: 'json' }
import t from 'tap'
import { derivedHolidays, qingmingDay } from '../../src/domain/statutory-holidays.js'
import { calendarFromData, defaultCalendar } from '../../src/domain/working-days.js'
import { openDatabase } from '../../src/storage/database.js'
import { testApp } from '../helpers/app.js'
import { freshDatabase, type TestDatabase } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

/*
 * 2027's holiday schedule is not published yet. Its days off are derived from the rules of
 * 全国年节及纪念日放假办法 (2024): 元旦 Friday 1 January, 春节 from 除夕 Friday 5 February
 * (Saturday 6 and Sunday 7 give Tuesday 9 and Wednesday 10), and so on.
 *
 *   December 2026                     January 2027
 *   Mo Tu We Th Fr Sa Su              Mo Tu We Th Fr Sa Su
 *   21 22 23 24 25 26 27                            (1) 2  3
 *   28 29 30 31                        4  5  6  7  8  9 10
 *   ( ) derived statutory day off
 *
 * Ten working days after Thursday 24 December 2026: Fri 25 (1), Mon 28 (2), Tue 29 (3),
 * Wed 30 (4), Thu 31 (5), [Fri 1 off], Mon 4 (6), Tue 5 (7), Wed 6 (8), Thu 7 (9), Fri 8 (10).
 */

const shanghai = (wallClock: string) => new Date(`${wallClock}+08:00`)
const endOfShanghaiDay = (day: string) => shanghai(`${day}T23:59:59.999`).toISOString()
const publishedHolidays = new Set(Object.keys(published.holidays))

t.test(
  'every day off the rules give for 2025 and 2026 is a day off in the published schedules',
  async (t) => {
    for (const year of [2025, 2026]) {
      const derived = derivedHolidays(year)
      t.ok(derived.length >= 13, `${year}: the rules give at least the 13 statutory days (${derived.length})`)
      t.same(
        derived.filter((day) => !publishedHolidays.has(day)),
        [],
        `${year}: every derived day off is off in the State Council's notice`,
      )
    }
  },
)

t.test("the rules give 2027's festivals and the weekdays after those that fall on a weekend", async (t) => {
  t.same(derivedHolidays(2027), [
    '2027-01-01',
    '2027-02-05', // 除夕
    '2027-02-06',
    '2027-02-07',
    '2027-02-08',
    '2027-02-09', // for Saturday 6 February
    '2027-02-10', // for Sunday 7 February
    '2027-04-05', // 清明
    '2027-05-01',
    '2027-05-02',
    '2027-05-03', // for Saturday 1 May
    '2027-05-04', // for Sunday 2 May
    '2027-06-09', // 端午
    '2027-09-15', // 中秋
    '2027-10-01',
    '2027-10-02',
    '2027-10-03',
    '2027-10-04', // for Saturday 2 October
    '2027-10-05', // for Sunday 3 October
  ])
})

t.test("清明's day is the solar term's, as chinese-days computes it, through 2099", async (t) => {
  const differ: number[] = []
  for (let year = 2025; year <= 2099; year++) {
    const [, month, day] = chineseDays.getSolarTermDate(year, 4, 'pure_brightness').split('-').map(Number)
    if (month !== 4 || day !== qingmingDay(year)) differ.push(year)
  }
  t.same(differ, [], 'no year differs')
  t.equal(qingmingDay(2025), 4, 'Friday 4 April 2025, as published')
  t.equal(qingmingDay(2026), 5, 'Sunday 5 April 2026, as published')
})

t.test('a deadline into a provisional year skips the derived holidays and is marked', async (t) => {
  const calendar = defaultCalendar()
  t.ok(calendar.isProvisionalYear(2027), '2027 is provisional')
  t.notOk(calendar.isProvisionalYear(2026), '2026 is published')
  t.notOk(calendar.isWorkingDay('2027-01-01'), "New Year's Day 2027 is off")
  t.notOk(calendar.isWorkingDay('2027-02-10'), 'the weekday given for Sunday 7 February is off')
  t.ok(calendar.isWorkingDay('2027-01-04'), 'an ordinary Monday is worked')

  const into2027 = calendar.deadline(shanghai('2026-12-24T10:00:00'), 10)
  t.equal(
    into2027.respondBy.toISOString(),
    endOfShanghaiDay('2027-01-08'),
    'Friday 8 January, not Thursday 7',
  )
  t.equal(into2027.provisional, true, 'marked provisional')

  const within2026 = calendar.deadline(shanghai('2026-12-01T10:00:00'), 10)
  t.equal(within2026.respondBy.toISOString(), endOfShanghaiDay('2026-12-15'))
  t.equal(within2026.provisional, false, 'a deadline counted on published days only is not provisional')
})

/** The test database opened again with a clock stopped at `at`. */
function atTime(database: TestDatabase, at: Date): TestDatabase {
  const stopped = openDatabase({ ...database.location, poolSize: 4, clock: { now: () => new Date(at) } })
  t.teardown(() => stopped.close())
  return Object.assign(stopped, { location: database.location })
}

t.test('a published file replaces the derived days without touching existing disputes', async (t) => {
  const database = atTime(await freshDatabase(t), shanghai('2026-12-24T10:00:00'))
  const before = await testApp(t, { database })
  const regulatorToken = await accessToken(before.app, await regulatorCredentials(database))
  const company = await enrolEnterprise(before.app, regulatorToken, '北京爱看视频科技有限公司')

  const provisional = await intakeDispute(before.app, regulatorToken, company.id)
  t.equal(provisional.respond_by, endOfShanghaiDay('2027-01-08'), 'counted with the derived New Year’s Day')
  t.equal(provisional.respond_by_provisional, true, 'and marked provisional')

  // The schedule is published: say 1 January and Monday 4 January off (made up for the test).
  const dir = mkdtempSync(join(tmpdir(), 'hejie-calendar-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'calendar-2027.json')
  writeFileSync(file, JSON.stringify({ holidays: ['2027-01-01', '2027-01-04'], workdays: [] }))
  t.notOk(calendarFromData({ holidays: ['2027-01-01'], workdays: [] }).isProvisionalYear(2027))

  const after = await testApp(t, { database, config: { calendarFile: file } })
  const published = await intakeDispute(after.app, regulatorToken, company.id)
  t.equal(
    published.respond_by,
    endOfShanghaiDay('2027-01-11'),
    'a new deadline follows the published schedule',
  )
  t.equal(published.respond_by_provisional, false, 'and is not provisional')

  const again = await as(after.app, regulatorToken)({ method: 'GET', url: `/v1/disputes/${provisional.id}` })
  t.equal(again.statusCode, 200)
  t.equal(again.json().respond_by, endOfShanghaiDay('2027-01-08'), 'the existing deadline keeps its date')
  t.equal(again.json().respond_by_provisional, true, 'and its mark')
})

t.test('a deadline counted on published days only is not provisional through the API', async (t) => {
  const database = atTime(await freshDatabase(t), shanghai('2026-12-01T10:00:00'))
  const { app } = await testApp(t, { database })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const company = await enrolEnterprise(app, regulatorToken, '北京爱看视频科技有限公司')
  const dispute = await intakeDispute(app, regulatorToken, company.id)
  t.equal(dispute.respond_by, endOfShanghaiDay('2026-12-15'))
  t.equal(dispute.respond_by_provisional, false)
})
