import type { Static } from 'typebox'
import { type Indicators, indicators } from '../../domain/indicators.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import { utc } from '../../schemas/common.js'
import type { StatsGrouping, StatsQuery } from '../../schemas/stats.js'
import type { Database } from '../../storage/database.js'
import { getEnterprise } from '../enterprises.js'
import { findInSubtree } from '../jurisdictions/tree.js'
import { countIndicators } from './aggregate.js'

export interface StatsReport {
  object: 'stats'
  from: string | null
  to: string
  group_by: StatsGrouping | null
  data: (Indicators & { group: string | null })[]
}

/**
 * The regulator's indicators over the disputes assigned in [from, to): those received in its
 * jurisdiction's subtree for a regulator (or in a node below it, or one enterprise's), an
 * enterprise's own for an enterprise, a handling unit's own for a unit. An enterprise or a node the caller cannot see is not
 * found, exactly as one that does not exist.
 */
export async function statsReport(
  database: Database,
  principal: Principal,
  query: Static<typeof StatsQuery>,
  now: Date,
): Promise<StatsReport> {
  const { from, to } = statsWindow(query, now)
  let enterpriseId = principal.role === 'enterprise' ? (principal.enterpriseId ?? '') : null
  if (query.enterprise_id !== undefined) {
    enterpriseId = (await getEnterprise(database.db, principal, query.enterprise_id)).id
  }
  const groupBy = query.group_by ?? null
  const groups = await countIndicators(database, {
    from,
    to,
    enterpriseId,
    // A unit's client sees what its unit holds, as an enterprise's sees its own.
    assigneeId: principal.role === 'unit' ? (principal.unitId ?? '') : null,
    jurisdictionId: await jurisdictionFilter(database, principal, query.jurisdiction_id),
    groupBy,
    now: now.toISOString(),
  })
  return {
    object: 'stats',
    from,
    to,
    group_by: groupBy,
    data: groups.map(({ group, counts }) => ({ group, ...indicators(counts) })),
  }
}

/** The window [from, to) in UTC as asked (`to` defaults to now); `from` must come before `to`. */
export function statsWindow(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
): { from: string | null; to: string } {
  const from = query.from === undefined ? null : utc(query.from)
  const to = query.to === undefined ? now.toISOString() : utc(query.to)
  if (from !== null && from >= to) {
    const implicit = query.to === undefined
    throw problem(
      'validation_failed',
      {
        en: implicit
          ? `from (${from}) must be before to, which is now (${to}) when not given.`
          : `from (${from}) must be before to (${to}).`,
        zh: implicit
          ? `from（${from}）必须早于 to；未填写 to 时，to 为当前时间（${to}）。`
          : `from（${from}）必须早于 to（${to}）。`,
      },
      {
        errors: [{ path: 'querystring/from', message: { en: 'must be before to', zh: '必须早于 to' } }],
      },
    )
  }
  return { from, to }
}

/**
 * The subtree whose disputes count: the one asked for, else the regulator's own. The whole
 * tree needs no filter, which keeps the root's whole-table report as fast as it was.
 */
export async function jurisdictionFilter(
  database: Database,
  principal: Principal,
  asked: string | undefined,
): Promise<string | null> {
  if (principal.role !== 'regulator') {
    return asked === undefined ? null : asked
  }
  const node = await findInSubtree(database.db, principal, asked ?? principal.jurisdictionId ?? '')
  return node.parent_id === null ? null : node.id
}
