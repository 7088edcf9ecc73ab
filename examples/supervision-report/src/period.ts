/**
 * Months in Beijing time (Asia/Shanghai, UTC+8 all year, no daylight saving): the report's
 * windows, written as RFC 3339 times with the +08:00 offset that /v1/stats asks for.
 */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/
const SHANGHAI_OFFSET_MS = 8 * 3_600_000

export interface Period {
  /** `YYYY-MM`. */
  month: string
  /** The first instant of the month, inclusive. */
  from: string
  /** The first instant of the next month, exclusive. */
  to: string
}

export function isMonth(text: string): boolean {
  return MONTH.test(text)
}

/** The month `delta` months after `month` (before it when negative). */
export function shiftMonth(month: string, delta: number): string {
  const match = MONTH.exec(month)
  if (!match) throw new RangeError(`not a month (YYYY-MM): ${month}`)
  const index = Number(match[1]) * 12 + Number(match[2]) - 1 + delta
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`
}

export function monthPeriod(month: string): Period {
  return { month, from: startOf(month), to: startOf(shiftMonth(month, 1)) }
}

/** The month holding `now` in Beijing time. */
export function currentMonth(now: Date): string {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7)
}

/** The last month that has ended in Beijing time: the report's default. */
export function lastFullMonth(now: Date): string {
  return shiftMonth(currentMonth(now), -1)
}

/** `count` months ending with `month`, oldest first. */
export function monthsEndingWith(month: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => shiftMonth(month, i - count + 1))
}

function startOf(month: string): string {
  return `${month}-01T00:00:00+08:00`
}
