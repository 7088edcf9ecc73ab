/** How the report prints the API's numbers; nothing here computes an indicator. */
import type { Money } from '@hejie/sdk'

export const NONE = '—'

/** A rate in [0, 1] as a percentage with one decimal; null (a rate over nothing) as “—”. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? NONE : `${(rate * 100).toFixed(1)}%`
}

/** A count or an average as the API gave it; null as “—”. */
export function plain(value: number | null | undefined): string {
  return value === null || value === undefined ? NONE : String(value)
}

/** Money in 元 from integer fen, exactly (no float arithmetic). */
export function yuan(money: Money | null | undefined): string {
  if (!money) return NONE
  const fen = BigInt(money.amount)
  const sign = fen < 0n ? '-' : ''
  const abs = fen < 0n ? -fen : fen
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}${whole}.${(abs % 100n).toString().padStart(2, '0')} 元`
}

/** An RFC 3339 instant in Beijing time, `YYYY-MM-DD HH:mm`. */
export function beijingTime(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString()
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`
}

/** The Beijing date of an instant, `YYYY-MM-DD`. */
export function beijingDate(iso: string): string {
  return beijingTime(iso).slice(0, 10)
}
