import { today } from '../../components/format.js'

/** A reporting period of whole days in Beijing time, kept in the URL so a link shows the same numbers. */
export interface Period {
  from: string
  to: string
}

export function periodOf(query: URLSearchParams): Period {
  const to = query.get('to') ?? today()
  const from = query.get('from') ?? `${to.slice(0, 4)}-01-01`
  return { from, to }
}

/** The API's window: from the first day's midnight to the midnight after the last day (exclusive), UTC+8. */
export function apiWindow(period: Period): { from: string; to: string } {
  const end = new Date(`${period.to}T00:00:00+08:00`)
  end.setUTCDate(end.getUTCDate() + 1)
  return { from: new Date(`${period.from}T00:00:00+08:00`).toISOString(), to: end.toISOString() }
}
