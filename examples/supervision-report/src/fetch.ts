/**
 * Everything the report shows, read from the API as a regulator: the month's indicators,
 * six months of them by month, by enterprise, the ranking and the month's risk signals.
 * Nothing is recomputed from disputes: a number in the report is a number the API answered.
 */
import type { Hejie, Ranking, RiskSignal, StatsGroup } from '@hejie/sdk'
import { monthPeriod, monthsEndingWith, type Period } from './period.js'

export const TREND_MONTHS = 6

export interface MonthTrend {
  month: string
  /** The month's group of `group_by=month`; absent when the month had no dispute (the API leaves it out). */
  stats?: StatsGroup
}

export interface ReportData {
  period: Period
  /** The totals of the month (`data[0]` of /v1/stats without group_by). */
  totals: StatsGroup
  trend: MonthTrend[]
  /** The month's groups by enterprise, with the enterprise's registered name. */
  enterprises: { id: string; name: string; stats: StatsGroup }[]
  ranking: Ranking
  riskSignals: RiskSignal[]
  /** Names of the enterprises the caller may read, by id. */
  names: Map<string, string>
}

export interface FetchOptions {
  /** Assignees with fewer concluded disputes are left out of the ranking; the API's default is 5. */
  minConcluded?: number | undefined
}

export async function fetchReportData(hejie: Hejie, month: string, options: FetchOptions = {}) {
  const period = monthPeriod(month)
  const months = monthsEndingWith(month, TREND_MONTHS)
  const trendFrom = monthPeriod(months[0] ?? month).from
  const window = { from: period.from, to: period.to }

  const [totals, byMonth, byEnterprise, ranking, riskSignals, names] = await Promise.all([
    hejie.stats.retrieve(window),
    hejie.stats.retrieve({ from: trendFrom, to: period.to, group_by: 'month' }),
    hejie.stats.retrieve({ ...window, group_by: 'enterprise' }),
    hejie.stats.rankings({
      ...window,
      metric: 'settlement_rate',
      ...(options.minConcluded === undefined ? {} : { min_concluded: options.minConcluded }),
    }),
    collect(hejie.riskSignals.list({ ...window, limit: 100 })),
    enterpriseNames(hejie),
  ])
  const total = totals.data[0]
  if (!total) throw new Error('GET /v1/stats answered without its totals')

  const data: ReportData = {
    period,
    totals: total,
    trend: months.map((m) => {
      const stats = byMonth.data.find((g) => g.group === m)
      return stats ? { month: m, stats } : { month: m }
    }),
    enterprises: byEnterprise.data.map((stats) => {
      const id = stats.group ?? ''
      return { id, name: names.get(id) ?? id, stats }
    }),
    ranking,
    riskSignals,
    names,
  }
  return data
}

async function enterpriseNames(hejie: Hejie): Promise<Map<string, string>> {
  const names = new Map<string, string>()
  for await (const enterprise of hejie.enterprises.list({ limit: 100 }))
    names.set(enterprise.id, enterprise.name)
  return names
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []
  for await (const item of items) all.push(item)
  return all
}
