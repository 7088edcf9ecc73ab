/**
 * The fixed windows over which risk signals are computed: calendar weeks in Beijing time,
 * Monday 00:00 (UTC+8) to the next Monday 00:00, so every process, every run and every
 * reader cuts time at the same places and a signal's window names the same week for all.
 * China keeps one offset all year, so a week is always exactly seven days.
 */
export const WEEK_MS = 7 * 86_400_000

/** Monday 1 January 2024, 00:00 in Beijing: any Monday would do, this one anchors the count. */
const EPOCH_MS = Date.parse('2024-01-01T00:00:00+08:00')

export interface RiskWindow {
  /** Inclusive, UTC (a Sunday 16:00Z). */
  start: string
  /** Exclusive, UTC: seven days after `start`. */
  end: string
}

/** The week holding `at`, moved `offset` weeks (−1: the week before). */
export function weekOf(at: Date, offset = 0): RiskWindow {
  const index = Math.floor((at.getTime() - EPOCH_MS) / WEEK_MS) + offset
  const start = EPOCH_MS + index * WEEK_MS
  return { start: new Date(start).toISOString(), end: new Date(start + WEEK_MS).toISOString() }
}

/** The Monday that starts the window, as a Beijing date (`2026-11-30`), for explanations. */
export function weekLabel(window: RiskWindow): string {
  const beijing = new Date(Date.parse(window.start) + 8 * 3_600_000)
  return `the week of ${beijing.toISOString().slice(0, 10)}`
}
