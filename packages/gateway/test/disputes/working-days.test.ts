import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import t from 'tap'
import {
  calendarFromData,
  calendarFromFile,
  defaultCalendar,
  shanghaiDate,
  WorkingDayCalendar,
} from '../../src/domain/working-days.js'

const calendar = defaultCalendar()

/** An instant given as Shanghai wall-clock time, the way the bureau's staff read it. */
function shanghai(wallClock: string): Date {
  return new Date(`${wallClock}+08:00`)
}

/** Every date from `first` to `last` inclusive, the way the State Council notices write ranges. */
function range(first: string, last: string): string[] {
  const days: string[] = []
  for (let day = new Date(`${first}T00:00:00Z`); day.toISOString().slice(0, 10) <= last; ) {
    days.push(day.toISOString().slice(0, 10))
    day.setUTCDate(day.getUTCDate() + 1)
  }
  return days
}

function year(data: { holidays: readonly string[]; workdays: readonly string[] }, y: string) {
  return {
    holidays: data.holidays.filter((day) => day.startsWith(y)),
    workdays: data.workdays.filter((day) => day.startsWith(y)),
  }
}

t.test('the packaged schedules are the State Council notices', async (t) => {
  // 国办发明电〔2024〕12号, published 12 November 2024.
  t.same(year(calendar.toData(), '2025'), {
    holidays: [
      '2025-01-01',
      ...range('2025-01-28', '2025-02-04'),
      ...range('2025-04-04', '2025-04-06'),
      ...range('2025-05-01', '2025-05-05'),
      ...range('2025-05-31', '2025-06-02'),
      ...range('2025-10-01', '2025-10-08'),
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  })
  // The notice for 2026, published 4 November 2025.
  t.same(year(calendar.toData(), '2026'), {
    holidays: [
      ...range('2026-01-01', '2026-01-03'),
      ...range('2026-02-15', '2026-02-23'),
      ...range('2026-04-04', '2026-04-06'),
      ...range('2026-05-01', '2026-05-05'),
      ...range('2026-06-19', '2026-06-21'),
      ...range('2026-09-25', '2026-09-27'),
      ...range('2026-10-01', '2026-10-07'),
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  })
  t.equal(calendar.coveredYears[0], 2004)
  t.ok(calendar.coveredYears.includes(2026))
})

t.test('weekdays are worked, weekends and holidays are not, make-up days are', async (t) => {
  const cases: [day: string, working: boolean, why: string][] = [
    ['2025-09-27', false, 'a plain Saturday is off'],
    ['2025-09-28', true, 'Sunday 28 September 2025 is a make-up working day'],
    ['2025-09-30', true, 'the Tuesday before National Day is worked'],
    ['2025-10-01', false, 'National Day is a holiday'],
    ['2025-10-06', false, 'a Monday inside the National Day break is off'],
    ['2025-10-08', false, 'Wednesday 8 October 2025, the last day of the break, is off'],
    ['2025-10-09', true, 'the Thursday after the break is worked'],
    ['2025-10-11', true, 'Saturday 11 October 2025 is a make-up working day'],
    ['2025-10-12', false, 'the Sunday after it is off'],
    ['2025-11-12', true, 'a Wednesday without a holiday is worked'],
    ['2026-02-14', true, 'Saturday 14 February 2026, before Spring Festival, is worked'],
    ['2026-02-16', false, 'Spring Festival 2026 is a holiday'],
    ['2026-02-23', false, 'Monday 23 February 2026, the last day of the break, is off'],
    ['2026-02-28', true, 'Saturday 28 February 2026 is a make-up working day'],
    ['2031-01-02', true, 'an ordinary weekday in a year the data does not cover counts as worked'],
    ['2031-01-01', false, "New Year's Day in a year the data does not cover is off, derived from the law"],
    ['2031-01-04', false, 'a Saturday in a year the data does not cover counts as off'],
  ]
  for (const [day, working, why] of cases) t.equal(calendar.isWorkingDay(day), working, `${day}: ${why}`)

  for (const bad of ['2025-9-28', '2025-02-29', '20250928', '']) {
    t.throws(() => calendar.isWorkingDay(bad), RangeError, `"${bad}" is refused, not guessed at`)
  }
})

t.test('an instant falls on its Shanghai date, eight hours ahead of UTC', async (t) => {
  const cases: [instant: string, date: string, why: string][] = [
    ['2025-09-30T20:00:00.000Z', '2025-10-01', 'an evening in UTC is already the next day in Shanghai'],
    ['2025-09-30T15:59:59.999Z', '2025-09-30', 'the last millisecond of a Shanghai day'],
    ['2025-09-30T16:00:00.000Z', '2025-10-01', 'Shanghai midnight is 16:00 UTC'],
    ['2025-12-31T16:00:00.000Z', '2026-01-01', 'the year turns at 16:00 UTC'],
    ['2025-07-01T00:00:00.000Z', '2025-07-01', 'the same date in the morning'],
  ]
  for (const [instant, date, why] of cases) t.equal(shanghaiDate(new Date(instant)), date, why)
  t.throws(() => shanghaiDate(new Date('not a date')), RangeError, 'an invalid Date is refused')
})

t.test('the n-th working day after an assignment skips holidays and counts make-up days', async (t) => {
  const cases: [from: Date, n: number, expected: string, why: string][] = [
    [shanghai('2025-09-26T10:00:00'), 10, '2025-10-16', 'ten days across National Day 2025'],
    [shanghai('2025-09-26T10:00:00'), 1, '2025-09-28', 'the make-up Sunday is the first working day'],
    [shanghai('2025-09-26T10:00:00'), 3, '2025-09-30', 'the Tuesday before the break is the third'],
    [shanghai('2025-09-26T10:00:00'), 4, '2025-10-09', 'the break is skipped whole'],
    [shanghai('2025-09-26T10:00:00'), 6, '2025-10-11', 'the make-up Saturday after the break counts'],
    [shanghai('2025-10-03T09:00:00'), 1, '2025-10-09', 'an assignment during the break starts after it'],
    [shanghai('2026-02-11T15:00:00'), 10, '2026-03-03', 'ten days across Spring Festival 2026'],
    [shanghai('2026-02-11T15:00:00'), 3, '2026-02-14', 'the make-up Saturday before Spring Festival counts'],
    [shanghai('2026-02-11T15:00:00'), 8, '2026-02-28', 'the make-up Saturday after Spring Festival counts'],
    [shanghai('2025-12-31T12:00:00'), 1, '2026-01-04', 'New Year 2026 is skipped, its make-up Sunday counts'],
    [shanghai('2025-11-10T09:00:00'), 5, '2025-11-17', 'a plain week is five weekdays'],
    [shanghai('2025-11-10T09:00:00'), 10, '2025-11-24', 'two plain weeks are ten weekdays'],
    [shanghai('2025-11-15T09:00:00'), 1, '2025-11-17', 'from a plain Saturday the Monday is first'],
    [new Date('2025-09-28T17:00:00Z'), 1, '2025-09-30', '17:00 UTC on the 28th is already Monday 29th'],
    [shanghai('2025-10-03T09:00:00'), 0, '2025-10-03', 'zero days is the day itself, worked or not'],
  ]
  for (const [from, n, expected, why] of cases) t.equal(calendar.addWorkingDays(from, n), expected, why)

  for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => calendar.addWorkingDays(new Date(), n), RangeError, `n = ${n} is refused`)
  }
})

t.test('a deadline is the end of its day in Shanghai', async (t) => {
  const cases: [assignedAt: Date, n: number, respondBy: string, why: string][] = [
    [shanghai('2025-09-26T10:00:00'), 10, '2025-10-16T15:59:59.999Z', 'the 12315 rule across National Day'],
    [shanghai('2025-09-26T23:30:00'), 10, '2025-10-16T15:59:59.999Z', 'late on Friday gives the same day'],
    [shanghai('2025-09-27T00:30:00'), 10, '2025-10-16T15:59:59.999Z', 'just after midnight, a Saturday off'],
    [shanghai('2025-09-28T00:30:00'), 10, '2025-10-17T15:59:59.999Z', 'on the make-up Sunday, one day later'],
    [shanghai('2026-02-11T15:00:00'), 10, '2026-03-03T15:59:59.999Z', 'across Spring Festival 2026'],
    [shanghai('2025-11-10T09:00:00'), 7, '2025-11-19T15:59:59.999Z', 'a district rule of 7 working days'],
  ]
  for (const [assignedAt, n, respondBy, why] of cases) {
    t.equal(calendar.respondBy(assignedAt, n).toISOString(), respondBy, why)
  }
  const deadline = calendar.respondBy(shanghai('2025-09-26T10:00:00'), 10)
  t.equal(shanghaiDate(deadline), '2025-10-16', 'the deadline still falls on its Shanghai day')
  t.equal(
    shanghaiDate(new Date(deadline.getTime() + 1)),
    '2025-10-17',
    'one millisecond later is the next day',
  )
})

t.test('working days between two instants are those after the first, up to the second', async (t) => {
  const cases: [from: Date, to: Date, days: number, why: string][] = [
    [shanghai('2025-09-26T10:00:00'), shanghai('2025-10-16T23:59:59.999'), 10, 'the days of a deadline'],
    [shanghai('2025-10-16T09:00:00'), shanghai('2025-09-26T10:00:00'), -10, 'backwards is negative'],
    [shanghai('2025-10-01T08:00:00'), shanghai('2025-10-08T20:00:00'), 0, 'a holiday break has none'],
    [shanghai('2025-11-12T08:00:00'), shanghai('2025-11-12T20:00:00'), 0, 'the same day has none'],
    [shanghai('2025-11-12T20:00:00'), shanghai('2025-11-12T08:00:00'), 0, 'the same day backwards has none'],
    [shanghai('2025-11-14T18:00:00'), shanghai('2025-11-17T09:00:00'), 1, 'Friday evening to Monday morning'],
  ]
  for (const [from, to, days, why] of cases) t.equal(calendar.workingDaysBetween(from, to), days, why)
})

t.test('counting is the inverse of adding, on every date the data covers', async (t) => {
  const instants = fc.date({
    min: new Date('2004-01-01T00:00:00Z'),
    max: new Date('2026-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  fc.assert(
    fc.property(instants, fc.integer({ min: 0, max: 60 }), (from, n) => {
      const deadline = calendar.respondBy(from, n)
      return (
        calendar.workingDaysBetween(from, deadline) === n &&
        calendar.workingDaysBetween(deadline, from) === (n === 0 ? 0 : -n) &&
        calendar.isWorkingDay(shanghaiDate(deadline)) === (n > 0 || calendar.isWorkingDay(shanghaiDate(from)))
      )
    }),
    { numRuns: 500 },
  )
  t.pass('500 random assignments')
})

t.test('the working days left before a deadline count down to 0 on its day', async (t) => {
  const respondBy = new Date('2025-10-16T15:59:59.999Z')
  const cases: [now: Date, left: number, why: string][] = [
    [shanghai('2025-10-03T12:00:00'), 7, 'during the break, the days after it'],
    [shanghai('2025-10-10T12:00:00'), 5, 'the make-up Saturday still counts'],
    [shanghai('2025-10-13T12:00:00'), 3, 'three days before, not yet approaching'],
    [shanghai('2025-10-14T12:00:00'), 2, 'two days before: the deadline is approaching'],
    [shanghai('2025-10-16T12:00:00'), 0, 'on the deadline day itself'],
    [shanghai('2025-10-16T23:59:59.999'), 0, 'at the very last millisecond'],
    [shanghai('2025-10-17T00:00:00'), -1, 'one working day overdue'],
    [shanghai('2025-10-20T09:00:00'), -2, 'the weekend in between does not count'],
  ]
  for (const [now, left, why] of cases) t.equal(calendar.workingDaysLeft(now, respondBy), left, why)
})

t.test('a calendar can be built from configuration data', async (t) => {
  t.test('a replacement calendar is honoured alone', async (t) => {
    const replaced = calendarFromData(
      { holidays: ['2025-11-12'], workdays: ['2025-11-15'] },
      { mode: 'replace' },
    )
    t.equal(replaced.isWorkingDay('2025-11-12'), false, 'its holiday is off')
    t.equal(replaced.isWorkingDay('2025-11-15'), true, 'its make-up Saturday is worked')
    t.equal(replaced.isWorkingDay('2025-10-01'), true, "the package's National Day no longer applies")
    t.same(replaced.coveredYears, [2025])
    t.equal(replaced.addWorkingDays(shanghai('2025-11-10T09:00:00'), 4), '2025-11-15')
    t.equal(replaced.respondBy(shanghai('2025-11-10T09:00:00'), 4).toISOString(), '2025-11-15T15:59:59.999Z')
  })

  t.test('an extension adds years and keeps the package schedule', async (t) => {
    // A made-up schedule: the real one for 2031 is not published yet.
    const extended = calendarFromData({
      holidays: ['2031-01-01', '2031-01-02', '2031-01-03'],
      workdays: ['2031-01-04'],
    })
    t.equal(extended.isWorkingDay('2031-01-01'), false, 'the added holiday is off')
    t.equal(extended.isWorkingDay('2031-01-04'), true, 'the added make-up Saturday is worked')
    t.equal(extended.isWorkingDay('2025-10-01'), false, "the package's National Day still applies")
    t.equal(extended.isWorkingDay('2025-09-28'), true, "the package's make-up day still applies")
    t.equal(extended.coveredYears.at(-1), 2031)
    t.equal(defaultCalendar().isWorkingDay('2031-01-02'), true, 'the default calendar is not changed')
  })

  t.test('an extension overrides the package on the days it lists', async (t) => {
    const corrected = calendarFromData({ holidays: ['2025-09-28'], workdays: ['2025-10-04'] })
    t.equal(corrected.isWorkingDay('2025-09-28'), false, 'a package make-up day listed as a holiday is off')
    t.equal(corrected.isWorkingDay('2025-10-04'), true, 'a package holiday listed as a make-up day is worked')
    t.equal(corrected.isWorkingDay('2025-10-05'), false, 'the rest of the break is untouched')
  })

  t.test('malformed data is refused with a message naming the entry', async (t) => {
    const cases: [data: unknown, message: RegExp][] = [
      [null, /^working-day calendar: expected an object with "holidays" and "workdays" arrays$/],
      [['2031-01-01'], /expected an object/],
      [{ holidays: [] }, /"workdays" must be an array of YYYY-MM-DD dates/],
      [{ holidays: '2031-01-01', workdays: [] }, /"holidays" must be an array/],
      [{ holidays: [], workdays: [], holiday: [] }, /unknown key "holiday"/],
      [
        { holidays: ['2031-01-01', '2031/01/02'], workdays: [] },
        /holidays\[1\] "2031\/01\/02" is not a date in the form YYYY-MM-DD/,
      ],
      [{ holidays: ['2031-13-01'], workdays: [] }, /holidays\[0\] "2031-13-01" is not a calendar date/],
      [{ holidays: ['2031-02-29'], workdays: [] }, /holidays\[0\] "2031-02-29" is not a calendar date/],
      [{ holidays: [20310101], workdays: [] }, /holidays\[0\] must be a YYYY-MM-DD string, got 20310101/],
      [
        { holidays: [], workdays: ['2031-01-04', '2031-01-06'] },
        /workdays\[1\] "2031-01-06" is a Monday; a make-up working day falls on a Saturday or Sunday/,
      ],
      [
        { holidays: ['2031-01-04'], workdays: ['2031-01-04'] },
        /workdays\[0\] "2031-01-04" is also listed in holidays/,
      ],
    ]
    for (const [data, message] of cases) {
      t.throws(() => calendarFromData(data, { mode: 'replace' }), { message }, JSON.stringify(data))
    }
    t.throws(
      () => new WorkingDayCalendar({ holidays: ['tomorrow'], workdays: [] }),
      { message: /holidays\[0\] "tomorrow"/ },
      'the constructor checks its data too',
    )
  })
})

t.test('a calendar file is honoured, and a malformed one is refused naming the entry', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hejie-calendar-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  const good = file('good.json', JSON.stringify({ holidays: ['2031-01-01'], workdays: ['2031-01-04'] }))
  const fromFile = calendarFromFile(good)
  t.equal(fromFile.isWorkingDay('2031-01-01'), false, "the file's holiday is off")
  t.equal(fromFile.isWorkingDay('2025-10-08'), false, 'the package schedule is kept by default')
  // 8 October 2025 was off by the State Council's notice, not by the law's rules: a replacement
  // that leaves 2025 out has only the days the rules give for it.
  t.equal(calendarFromFile(good, { mode: 'replace' }).isWorkingDay('2025-10-08'), true, 'or replaced')

  const bad = file('bad.json', JSON.stringify({ holidays: ['2031-01-01', '2031-1-2'], workdays: [] }))
  t.throws(() => calendarFromFile(bad), {
    message: `working-day calendar file ${bad}: holidays[1] "2031-1-2" is not a date in the form YYYY-MM-DD`,
  })
  const broken = file('broken.json', '{ "holidays": [')
  t.throws(() => calendarFromFile(broken), {
    message: /^working-day calendar file .*broken\.json: not valid JSON/,
  })
  t.throws(() => calendarFromFile(join(dir, 'missing.json')), {
    message: /^working-day calendar file .*missing\.json: cannot be read/,
  })
})
