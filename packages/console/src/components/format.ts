import { language, locale } from '../i18n/i18n.js'

/** Money from fen, in yuan: "¥27.00" (or "27.00 元" in Chinese), never through floats of yuan. */
export function money(value: { amount: number; currency?: string } | null | undefined): string {
  if (!value) return '—'
  const sign = value.amount < 0 ? '-' : ''
  const fen = Math.abs(value.amount)
  const yuan = `${Math.floor(fen / 100).toLocaleString(locale())}.${String(fen % 100).padStart(2, '0')}`
  return language() === 'zh' ? `${sign}${yuan} 元` : `${sign}¥${yuan}`
}

/** Yuan typed in a form ("27", "27.5", "27.50") as fen; undefined when it is not a sum of money. */
export function fenOf(yuan: string): number | undefined {
  const matched = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(yuan)
  if (!matched) return undefined
  return Number(matched[1]) * 100 + Number((matched[2] ?? '').padEnd(2, '0'))
}

const shanghai = { timeZone: 'Asia/Shanghai' } as const

/** A time as the bureau reads it: Beijing time, whatever the PC's own zone. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  return new Date(iso).toLocaleString(locale(), {
    ...shanghai,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  })
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—'
  return new Date(iso).toLocaleDateString(locale(), {
    ...shanghai,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
}

/** A rate in [0, 1] as a percentage with one decimal; null (no denominator) as a dash. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—'
  return `${(rate * 100).toFixed(1)}%`
}

export function decimal(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return '—'
  return value.toFixed(digits)
}

/**
 * "2026-12-07T10:30:15" for a datetime-local input, in Beijing time. The seconds are kept:
 * a time rounded down to the minute could fall before the assignment it follows.
 */
export function localInputValue(at: Date = new Date()): string {
  const shifted = new Date(at.getTime() + 8 * 3600_000)
  return shifted.toISOString().slice(0, 19)
}

/** A datetime-local input's value (with or without seconds), read as Beijing time, as RFC 3339 UTC. */
export function isoFromLocalInput(value: string): string {
  return new Date(`${value.length === 16 ? `${value}:00` : value}+08:00`).toISOString()
}

/** Today in Beijing as YYYY-MM-DD. */
export function today(): string {
  return localInputValue().slice(0, 10)
}
