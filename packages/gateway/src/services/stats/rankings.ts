import type { Kysely } from 'kysely'
import type { Static } from 'typebox'
import { concluded, type Indicators, indicators } from '../../domain/indicators.js'
import type { Principal } from '../../domain/principal.js'
import {
  DEFAULT_MIN_CONCLUDED,
  lowerIsBetter,
  type RankingMetric,
  type RankingsQuery,
} from '../../schemas/rankings.js'
import type { Database } from '../../storage/database.js'
import type { Schema } from '../../storage/schema.js'
import { countIndicators } from './aggregate.js'
import { jurisdictionFilter, statsWindow } from './report.js'

type AssigneeType = 'enterprise' | 'unit'

export interface RankedAssignee {
  rank: number
  assignee: { type: AssigneeType; id: string; name: string }
  value: number
  indicators: Indicators & { group: string }
}

export interface Ranking {
  object: 'ranking'
  metric: RankingMetric
  from: string | null
  to: string
  assignee_type: AssigneeType | null
  min_concluded: number
  data: RankedAssignee[]
  excluded_below_minimum: number
  excluded_without_value: number
}

/**
 * The league table of a regulator's subtree: every assignee (enterprise or handling unit)
 * that holds disputes assigned in [from, to), ranked by one indicator. The database adds up
 * one row per assignee (the statement behind `GET /v1/stats?group_by=assignee`); only those
 * rows are ranked here. An assignee with fewer than `min_concluded` concluded disputes is
 * left out, and so is one whose indicator has no value: a rate over nothing ranks nowhere.
 */
export async function rankAssignees(
  database: Database,
  principal: Principal,
  query: Static<typeof RankingsQuery>,
  now: Date,
): Promise<Ranking> {
  const { from, to } = statsWindow(query, now)
  const minConcluded = query.min_concluded ?? DEFAULT_MIN_CONCLUDED
  const assigneeType = query.assignee_type ?? null
  const groups = await countIndicators(database, {
    from,
    to,
    enterpriseId: null,
    assigneeType,
    jurisdictionId: await jurisdictionFilter(database, principal, query.jurisdiction_id),
    groupBy: 'assignee',
    now: now.toISOString(),
  })

  let belowMinimum = 0
  let withoutValue = 0
  const candidates: { id: string; value: number; indicators: Indicators & { group: string } }[] = []
  for (const { group, counts } of groups) {
    if (group === null) continue
    if (concluded(counts) < minConcluded) {
      belowMinimum += 1
      continue
    }
    const shown = { group, ...indicators(counts) }
    const value = shown[query.metric]
    if (value === null) {
      withoutValue += 1
      continue
    }
    candidates.push({ id: group, value, indicators: shown })
  }

  const ascending = lowerIsBetter.has(query.metric)
  // Best first; equal values in the order of their ids, so that the same data always gives
  // the same table.
  candidates.sort(
    (a, b) => (ascending ? a.value - b.value : b.value - a.value) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  const names = await assigneeNames(
    database.db,
    candidates.map((candidate) => candidate.id),
  )
  const data: RankedAssignee[] = []
  candidates.forEach((candidate, index) => {
    const previous = data[index - 1]
    // Standard competition ranking: a tie shares the rank of the first of its group.
    const rank = previous !== undefined && previous.value === candidate.value ? previous.rank : index + 1
    const known = names.get(candidate.id)
    data.push({
      rank,
      assignee: {
        type: known?.type ?? (candidate.id.startsWith('hnu_') ? 'unit' : 'enterprise'),
        id: candidate.id,
        name: known?.name ?? '',
      },
      value: candidate.value,
      indicators: candidate.indicators,
    })
  })

  return {
    object: 'ranking',
    metric: query.metric,
    from,
    to,
    assignee_type: assigneeType,
    min_concluded: minConcluded,
    data,
    excluded_below_minimum: belowMinimum,
    excluded_without_value: withoutValue,
  }
}

/** How many ids one lookup binds: well below SQLite's and PostgreSQL's limits on parameters. */
const NAME_BATCH = 500

/** The names of the ranked assignees, enterprises and units alike, looked up in batches. */
async function assigneeNames(
  db: Kysely<Schema>,
  ids: readonly string[],
): Promise<Map<string, { type: AssigneeType; name: string }>> {
  const names = new Map<string, { type: AssigneeType; name: string }>()
  for (let start = 0; start < ids.length; start += NAME_BATCH) {
    const batch = ids.slice(start, start + NAME_BATCH)
    const [enterprises, units] = await Promise.all([
      db.selectFrom('enterprises').select(['id', 'name']).where('id', 'in', batch).execute(),
      db.selectFrom('handling_units').select(['id', 'name']).where('id', 'in', batch).execute(),
    ])
    for (const row of enterprises) names.set(row.id, { type: 'enterprise', name: row.name })
    for (const row of units) names.set(row.id, { type: 'unit', name: row.name })
  }
  return names
}
