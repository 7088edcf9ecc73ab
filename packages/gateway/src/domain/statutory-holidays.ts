/**
 * The statutory days off of a year whose schedule the State Council has not published yet,
 * derived from the rules of 全国年节及纪念日放假办法 as amended in 2024 (in force from
 * 2025): 元旦 1 January; 春节 four days from 除夕, the last day of the lunar year; 清明 on the
 * day of the solar term; 端午 on lunar 5/5; 中秋 on lunar 8/15; 劳动节 1–2 May; 国庆节
 * 1–3 October. A holiday that falls on a Saturday or Sunday gives the next weekday off
 * (补假, article 2). The make-up working days (调休) that each year's notice also declares
 * are a decision of that notice, not a rule, so nothing here predicts them.
 *
 * Lunar dates come from `chinese-days` (its lunar table covers 1900–2100). It is handed
 * local-time Dates because it reads and formats dates in the process's time zone.
 */
import chineseDays from 'chinese-days'

/** The first year the 2024 amendment governs; earlier years all have published schedules. */
export const FIRST_YEAR_OF_THE_RULES = 2025
/** The last year the solar-term formula below and the lunar table are valid for. */
export const LAST_DERIVABLE_YEAR = 2099

/** The statutory days off the rules give for a year, YYYY-MM-DD, ascending. */
export function derivedHolidays(year: number): string[] {
  if (!Number.isInteger(year) || year < FIRST_YEAR_OF_THE_RULES || year > LAST_DERIVABLE_YEAR) {
    throw new RangeError(
      `derivedHolidays: ${year} is outside ${FIRST_YEAR_OF_THE_RULES}–${LAST_DERIVABLE_YEAR}, the years the rules can be applied to`,
    )
  }
  const lunarNewYear = lunarToSolar(year, 1, 1)
  const festivals = [
    day(year, 1, 1),
    addDays(lunarNewYear, -1),
    lunarNewYear,
    addDays(lunarNewYear, 1),
    addDays(lunarNewYear, 2),
    day(year, 4, qingmingDay(year)),
    day(year, 5, 1),
    day(year, 5, 2),
    lunarToSolar(year, 5, 5),
    lunarToSolar(year, 8, 15),
    day(year, 10, 1),
    day(year, 10, 2),
    day(year, 10, 3),
  ]
  const off = new Set(festivals)
  // In date order, so that two weekend holidays in a row take the two weekdays after them.
  for (const festival of [...off].sort()) {
    if (!isWeekend(festival)) continue
    let substitute = addDays(festival, 1)
    while (isWeekend(substitute) || off.has(substitute)) substitute = addDays(substitute, 1)
    off.add(substitute)
  }
  return [...off].sort()
}

/**
 * The April day of 清明 in a year of 2000–2099: ⌊Y × 0.2422 + C⌋ − ⌊Y / 4⌋ with Y the year's
 * last two digits and C = 4.81, the "通式寿星公式" for the solar terms of the 21st century
 * (the same constants `chinese-days` uses in its getSolarTermDate). It gives the dates of the
 * Purple Mountain Observatory's tables for every year of the century; the tests compare it
 * with them for the published years.
 */
export function qingmingDay(year: number): number {
  const y = year % 100
  return Math.floor(y * 0.2422 + 4.81) - Math.floor(y / 4)
}

function lunarToSolar(year: number, month: number, dayOfMonth: number): string {
  return chineseDays.getSolarDateFromLunar(new Date(year, month - 1, dayOfMonth)).date
}

function day(year: number, month: number, dayOfMonth: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`
}

function addDays(date: string, days: number): string {
  const next = new Date(`${date}T00:00:00Z`)
  next.setUTCDate(next.getUTCDate() + days)
  return next.toISOString().slice(0, 10)
}

function isWeekend(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  return weekday === 0 || weekday === 6
}
