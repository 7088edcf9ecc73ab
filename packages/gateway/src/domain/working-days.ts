/**
 * The working-day calendar behind every deadline (`respond_by`, approaching and overdue
 * events). Deadlines are counted in Asia/Shanghai: weekends and statutory holidays are off,
 * and the official make-up working days (调休, a Saturday or Sunday declared a working day)
 * are worked.
 *
 * The schedule itself is data. By default it is the State Council schedules shipped by the
 * `chinese-days` package (2004 onwards, as far as the installed version goes); a deployment
 * can extend or replace it with a JSON file for the years the package does not cover yet,
 * because each year's schedule is only published in the preceding autumn or winter.
 *
 * A year the schedule does not cover yet (from 2025 on) is provisional: its statutory days
 * off are derived from the law's rules (`statutory-holidays.ts`), its make-up working days
 * are unknown, and a deadline counted through it says so (`respond_by_provisional`). Once
 * the published schedule arrives, new deadlines follow it; deadlines already stored keep
 * the date they were given.
 */
import { readFileSync } from 'node:fs'
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' }
import { derivedHolidays, FIRST_YEAR_OF_THE_RULES, LAST_DERIVABLE_YEAR } from './statutory-holidays.js'

/** A schedule: statutory holidays and make-up working days, each as YYYY-MM-DD. */
export interface CalendarData {
  holidays: readonly string[]
  workdays: readonly string[]
}

export interface CalendarOptions {
  /**
   * `extend` (the default) lays the data over the package's schedule: where both list a day,
   * the data wins, so a file needs only the years it adds or the days it corrects. `replace`
   * uses the data alone.
   */
  mode?: 'extend' | 'replace'
}

/** A deadline and whether any day counted towards it lies in a provisional year. */
export interface Deadline {
  respondBy: Date
  provisional: boolean
}

// China has had no daylight saving time since 1991, so Shanghai is always UTC+8.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/
const NO_DAYS: ReadonlySet<string> = new Set()
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** The calendar date in Asia/Shanghai (YYYY-MM-DD) at an instant. */
export function shanghaiDate(instant: Date): string {
  const time = instant.getTime()
  if (Number.isNaN(time)) throw new RangeError('shanghaiDate: the instant is an invalid Date')
  return new Date(time + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/**
 * Which days are worked. Immutable, so one instance can be shared by every request.
 *
 * A day the data does not list is judged by the day of the week alone: Monday to Friday
 * worked, Saturday and Sunday off, except in a provisional year (one the data does not
 * cover, from 2025 on), whose derived statutory days off are off as well. `coveredYears`
 * and `isProvisionalYear` let startup say which years are provisional.
 */
export class WorkingDayCalendar {
  readonly #holidays: ReadonlySet<string>
  readonly #workdays: ReadonlySet<string>
  readonly #covered: ReadonlySet<number>
  /** The derived days off of each provisional year, computed when first needed. */
  readonly #derived = new Map<number, ReadonlySet<string>>()
  /** The years the data lists at least one day of, ascending. */
  readonly coveredYears: readonly number[]

  /** Throws an Error naming the first bad entry when the data is malformed. */
  constructor(data: CalendarData) {
    const checked = checkCalendarData(data)
    this.#holidays = new Set(checked.holidays)
    this.#workdays = new Set(checked.workdays)
    const years = new Set([...this.#holidays, ...this.#workdays].map((day) => Number(day.slice(0, 4))))
    this.coveredYears = Object.freeze([...years].sort((a, b) => a - b))
    this.#covered = years
  }

  /**
   * Whether a year's days off are derived rather than published: a year from 2025 on
   * (the rules as amended in 2024) that the data lists no day of.
   */
  isProvisionalYear(year: number): boolean {
    return year >= FIRST_YEAR_OF_THE_RULES && !this.#covered.has(year)
  }

  /** Whether a Shanghai calendar date (YYYY-MM-DD) is a working day. */
  isWorkingDay(day: string): boolean {
    const problem = dayProblem(day)
    if (problem) throw new RangeError(`isWorkingDay: "${day}" ${problem}`)
    return this.#isWorking(day)
  }

  /**
   * The n-th working day after the Shanghai date of `from`, as YYYY-MM-DD. The day of
   * `from` itself never counts, even when it is a working day, and `n = 0` gives that day.
   */
  addWorkingDays(from: Date, n: number): string {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`addWorkingDays: n must be a whole number ≥ 0, got ${n}`)
    }
    let day = shanghaiDate(from)
    for (let left = n; left > 0; ) {
      day = nextDay(day)
      if (this.#isWorking(day)) left--
    }
    return day
  }

  /**
   * The deadline for a dispute assigned at `assignedAt`: the last millisecond of the n-th
   * working day after it, Shanghai time (23:59:59.999 +08:00), so the whole of that day is
   * available to the enterprise whatever the hour of assignment.
   */
  respondBy(assignedAt: Date, workingDays: number): Date {
    return endOfShanghaiDay(this.addWorkingDays(assignedAt, workingDays))
  }

  /**
   * `respondBy`, and whether it is provisional: whether any day counted towards it, after
   * the day of assignment up to the deadline's own, lies in a provisional year.
   */
  deadline(assignedAt: Date, workingDays: number): Deadline {
    const last = this.addWorkingDays(assignedAt, workingDays)
    const respondBy = endOfShanghaiDay(last)
    if (workingDays === 0) return { respondBy, provisional: false }
    const firstYear = Number(nextDay(shanghaiDate(assignedAt)).slice(0, 4))
    for (let year = firstYear; year <= Number(last.slice(0, 4)); year++) {
      if (this.isProvisionalYear(year)) return { respondBy, provisional: true }
    }
    return { respondBy, provisional: false }
  }

  /**
   * The working days after the Shanghai date of `from` up to and including that of `to`:
   * the inverse of `addWorkingDays`. Negative when `to` falls on an earlier date.
   */
  workingDaysBetween(from: Date, to: Date): number {
    const start = shanghaiDate(from)
    const end = shanghaiDate(to)
    if (end >= start) return this.#countAfter(start, end)
    const back = this.#countAfter(end, start)
    return back === 0 ? 0 : -back
  }

  /**
   * The working days still ahead of a deadline, today not counted: 0 on the deadline's own
   * day, 2 two working days before it (the default "deadline approaching" point), negative
   * once it has passed by that many working days.
   */
  workingDaysLeft(now: Date, respondBy: Date): number {
    return this.workingDaysBetween(now, respondBy)
  }

  /** The schedule as plain data, sorted. */
  toData(): CalendarData {
    return { holidays: [...this.#holidays].sort(), workdays: [...this.#workdays].sort() }
  }

  #isWorking(day: string): boolean {
    if (this.#holidays.has(day)) return false
    if (this.#workdays.has(day)) return true
    if (isWeekend(day)) return false
    return !this.#derivedDaysOff(Number(day.slice(0, 4))).has(day)
  }

  #derivedDaysOff(year: number): ReadonlySet<string> {
    if (!this.isProvisionalYear(year) || year > LAST_DERIVABLE_YEAR) return NO_DAYS
    let days = this.#derived.get(year)
    if (!days) {
      days = new Set(derivedHolidays(year))
      this.#derived.set(year, days)
    }
    return days
  }

  #countAfter(start: string, end: string): number {
    let count = 0
    for (let day = start; day < end; ) {
      day = nextDay(day)
      if (this.#isWorking(day)) count++
    }
    return count
  }
}

let packaged: WorkingDayCalendar | undefined

/** The State Council schedules shipped by `chinese-days`. */
export function defaultCalendar(): WorkingDayCalendar {
  packaged ??= new WorkingDayCalendar({
    holidays: Object.keys(chineseDays.holidays),
    workdays: Object.keys(chineseDays.workdays),
  })
  return packaged
}

/**
 * A calendar from configuration data (parsed JSON), checked entry by entry: an object with
 * exactly `holidays` and `workdays`, arrays of real YYYY-MM-DD dates, every make-up working
 * day on a Saturday or Sunday and no day in both lists.
 */
export function calendarFromData(data: unknown, options: CalendarOptions = {}): WorkingDayCalendar {
  return fromData(data, options, 'working-day calendar')
}

/** `calendarFromData` on a JSON file, read once; errors name the file and the bad entry. */
export function calendarFromFile(path: string, options: CalendarOptions = {}): WorkingDayCalendar {
  const source = `working-day calendar file ${path}`
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new Error(`${source}: cannot be read (${(error as Error).message})`, { cause: error })
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`, { cause: error })
  }
  return fromData(data, options, source)
}

function fromData(data: unknown, options: CalendarOptions, source: string): WorkingDayCalendar {
  const own = checkCalendarData(data, source)
  if (options.mode === 'replace') return new WorkingDayCalendar(own)
  const base = defaultCalendar().toData()
  const ownHolidays = new Set(own.holidays)
  const ownWorkdays = new Set(own.workdays)
  return new WorkingDayCalendar({
    holidays: [...base.holidays.filter((day) => !ownWorkdays.has(day)), ...own.holidays],
    workdays: [...base.workdays.filter((day) => !ownHolidays.has(day)), ...own.workdays],
  })
}

function checkCalendarData(data: unknown, source = 'working-day calendar'): CalendarData {
  const fail = (reason: string): never => {
    throw new Error(`${source}: ${reason}`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('expected an object with "holidays" and "workdays" arrays')
  }
  for (const key of Object.keys(data)) {
    if (key !== 'holidays' && key !== 'workdays') {
      fail(`unknown key "${key}" (expected only "holidays" and "workdays")`)
    }
  }
  const checked: Record<'holidays' | 'workdays', string[]> = { holidays: [], workdays: [] }
  for (const key of ['holidays', 'workdays'] as const) {
    const list: unknown = (data as Record<string, unknown>)[key]
    if (!Array.isArray(list)) return fail(`"${key}" must be an array of YYYY-MM-DD dates`)
    for (const [index, entry] of list.entries()) {
      const name = `${key}[${index}]`
      if (typeof entry !== 'string') {
        return fail(`${name} must be a YYYY-MM-DD string, got ${JSON.stringify(entry)}`)
      }
      const problem = dayProblem(entry)
      if (problem) return fail(`${name} "${entry}" ${problem}`)
      if (key === 'workdays' && !isWeekend(entry)) {
        const weekday = WEEKDAY_NAMES[new Date(`${entry}T00:00:00Z`).getUTCDay()]
        fail(`${name} "${entry}" is a ${weekday}; a make-up working day falls on a Saturday or Sunday`)
      }
      checked[key].push(entry)
    }
  }
  const holidays = new Set(checked.holidays)
  const both = checked.workdays.findIndex((day) => holidays.has(day))
  if (both >= 0) fail(`workdays[${both}] "${checked.workdays[both]}" is also listed in holidays`)
  return checked
}

/** Why a string is not a real YYYY-MM-DD date, or undefined when it is one. */
function dayProblem(day: string): string | undefined {
  if (!DAY_PATTERN.test(day)) return 'is not a date in the form YYYY-MM-DD'
  // Date rolls 2025-02-30 over into March; a round trip that changes the text exposes it.
  const parsed = new Date(`${day}T00:00:00Z`)
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) {
    return 'is not a calendar date'
  }
  return undefined
}

function isWeekend(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay()
  return weekday === 0 || weekday === 6
}

function nextDay(day: string): string {
  const next = new Date(`${day}T00:00:00Z`)
  next.setUTCDate(next.getUTCDate() + 1)
  return next.toISOString().slice(0, 10)
}

function endOfShanghaiDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60 * 1000 - 1 - SHANGHAI_OFFSET_MS)
}
