import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely'
import { overdueSql } from '../../domain/disputes/deadline-state.js'
import { regulatorResolutions } from '../../domain/disputes/lifecycle.js'
import type { IndicatorCounts } from '../../domain/indicators.js'
import type { StatsGrouping } from '../../schemas/stats.js'
import type { Database } from '../../storage/database.js'
import { sqlFunctions, withoutJit } from '../../storage/dialect.js'
import type { Schema } from '../../storage/schema.js'
import { subtreeIds } from '../tenancy/subtree.js'

export interface AggregateFilter {
  /** Inclusive lower bound on `assigned_at` (UTC text); null for no bound. */
  from: string | null
  /** Exclusive upper bound on `assigned_at`. */
  to: string
  enterpriseId: string | null
  /** Only the disputes this enterprise or unit holds (`assignee_id`); null for any. */
  assigneeId?: string | null | undefined
  /** Only what enterprises hold, or only what handling units hold; null for both. */
  assigneeType?: 'enterprise' | 'unit' | null | undefined
  /** Only disputes received in this node's subtree; null for the whole tree. */
  jurisdictionId: string | null
  groupBy: StatsGrouping | null
  /** What "overdue" is measured against for disputes still awaiting the enterprise. */
  now: string
}

/** One row of the statement: a group and its sums (PostgreSQL's sums of bigints are numeric text). */
interface CountRow {
  grp: string | null
  received: number | string
  accepted: number | string | null
  settled: number | string | null
  escalated_now: number | string | null
  returned_now: number | string | null
  closed_by_regulator: number | string | null
  closed_after_mediation: number | string | null
  withdrawn: number | string | null
  overdue: number | string | null
  concluded_on_time: number | string | null
  responded: number | string | null
  feedback: number | string | null
  satisfied: number | string | null
  resolved: number | string | null
  settled_handling_ms: number | string | null
  refunded: number | string | null
  urged: number | string | null
  mediated: number | string | null
  settled_resolution_ms: number | string | null
  mediated_resolution_ms: number | string | null
  consumer_answered: number | string | null
  consumer_confirmed: number | string | null
  consumer_satisfied: number | string | null
}

export interface CountedGroup {
  group: string | null
  counts: IndicatorCounts
}

/** What one dispute adds to a count: 1 when `when` holds, or `value` (when `when` holds, if given). */
type Contribution =
  | { when: RawBuilder<unknown>; value?: undefined }
  | { value: RawBuilder<unknown>; when?: RawBuilder<unknown> | undefined }

const literals = (values: readonly string[]) => sql.join(values.map((value) => sql.lit(value)))

/** One dispute's contribution as a value of its own row, for the outer query to add up. */
function perRow({ when, value }: Contribution): RawBuilder<unknown> {
  if (value === undefined) return sql`case when ${when} then 1 else 0 end`
  return when === undefined ? value : sql`case when ${when} then ${value} end`
}

/**
 * Counts the disputes of one window per group, in one statement that reads each dispute of
 * the window once; nothing but one row per group comes back. On SQLite in a file the window
 * is read in parts by assignment time, one per core, on the database's read workers
 * (storage/read-workers.ts), and the parts' counts are added up. Every value is read from plain
 * columns of the dispute's row (migration 0010 keeps them), and on SQLite from the index
 * `disputes_indicators`, which holds every column read here. docs/stats.md explains each count.
 */
export async function countIndicators(
  { db, dialect, readWorkers }: Pick<Database, 'db' | 'dialect' | 'readWorkers'>,
  filter: AggregateFilter,
): Promise<CountedGroup[]> {
  const fn = sqlFunctions(dialect)
  const d = <T = string | null>(column: string) => sql.ref(`d.${column}`) as unknown as Expression<T>

  const settled = sql`${d('resolution')} = 'settled'`
  // Closed by the regulator: after mediation, or after the enterprise declined it. Which of
  // the two the row says: an escalation, or an outcome of `not_settled`, sets `escalated_at`.
  const closedByRegulator = sql`(${d('status')} = 'closed' and ${d('resolution')} in (${literals(regulatorResolutions)}))`
  const concluded = sql`(${settled} or ${d('status')} in ('escalated', 'returned') or ${closedByRegulator})`

  // What one dispute adds to each count of its group: one when a condition holds, or a value
  // (only when a condition holds, for some).
  const contributions: [Exclude<keyof CountRow, 'grp' | 'received'>, Contribution][] = [
    ['accepted', { when: sql`${d('accepted_at')} is not null` }],
    ['settled', { when: settled }],
    ['escalated_now', { when: sql`${d('status')} = 'escalated'` }],
    ['returned_now', { when: sql`${d('status')} = 'returned'` }],
    ['closed_by_regulator', { when: closedByRegulator }],
    ['closed_after_mediation', { when: sql`${closedByRegulator} and ${d('escalated_at')} is not null` }],
    ['withdrawn', { when: sql`${d('resolution')} = 'withdrawn'` }],
    ['overdue', { when: overdueSql(filter.now, 'd') }],
    ['concluded_on_time', { when: sql`${concluded} and ${d('overdue')} = 0` }],
    // Accepted, with the holder's earliest contact by respond_by.
    [
      'responded',
      { when: sql`${d('accepted_at')} is not null and ${d('first_contact_at')} <= ${d('respond_by')}` },
    ],
    ['feedback', { when: sql`${d('feedback_satisfaction')} is not null` }],
    ['satisfied', { when: sql`${d('feedback_satisfaction')} in ('satisfied', 'basically_satisfied')` }],
    // 0 or 1 with feedback, null without; set only on disputes closed as settled.
    ['resolved', { value: sql`${d('feedback_resolved')}` }],
    ['settled_handling_ms', { value: sql`${d('handling_ms')}` }],
    ['refunded', { value: sql`${d('refunded_amount')}` }],
    ['urged', { value: sql`${d('urge_count')}` }],
    ['mediated', { when: sql`${d('resolution')} = 'mediated'` }],
    // Set only on disputes closed as settled or as mediated (migration 0014).
    ['settled_resolution_ms', { value: sql`${d('resolution_ms')}`, when: settled }],
    [
      'mediated_resolution_ms',
      { value: sql`${d('resolution_ms')}`, when: sql`${d('resolution')} = 'mediated'` },
    ],
    // The consumer's own answers on the confirmation page (migration 0017); never `feedback`.
    ['consumer_answered', { when: sql`${d('consumer_decision')} is not null` }],
    ['consumer_confirmed', { when: sql`${d('consumer_decision')} = 'confirmed'` }],
    ['consumer_satisfied', { when: sql`${d('consumer_rating')} in ('satisfied', 'basically_satisfied')` }],
  ]

  const group =
    filter.groupBy === 'enterprise'
      ? d<string>('enterprise_id')
      : filter.groupBy === 'assignee'
        ? d<string>('assignee_id')
        : filter.groupBy === 'jurisdiction'
          ? d<string>('jurisdiction_id')
          : filter.groupBy === 'problem_type'
            ? d<string>('problem_type')
            : filter.groupBy === 'month'
              ? fn.chinaMonth(d<string>('assigned_at'))
              : sql<null>`null`

  // The disputes of the window: assigned in [from, to), of the enterprise and subtree asked
  // for; `part` narrows it to one part of the window when it is read in parts.
  const windowOf = (part: readonly RawBuilder<unknown>[]) =>
    sql.join(
      [
        ...part,
        ...assignedIn(filter),
        ...(filter.enterpriseId === null ? [] : [sql`${d('enterprise_id')} = ${filter.enterpriseId}`]),
        ...(filter.assigneeId ? [sql`${d('assignee_id')} = ${filter.assigneeId}`] : []),
        ...(filter.assigneeType ? [sql`${d('assignee_type')} = ${filter.assigneeType}`] : []),
        // Per enterprise counts only what enterprises hold; what units hold is grouped by assignee.
        ...(filter.groupBy === 'enterprise' ? [sql`${d('assignee_type')} = 'enterprise'`] : []),
        ...(filter.jurisdictionId === null
          ? []
          : [sql`${d('jurisdiction_id')} in (${subtreeIds(db, filter.jurisdictionId)})`]),
      ],
      sql` and `,
    )

  const queryOver = (part: readonly RawBuilder<unknown>[]) =>
    filter.groupBy === null
      ? // Totals: the aggregates over the window's rows directly; the one row of totals comes
        // back even for an empty window (no GROUP BY). A count filtered by its condition costs
        // a fifth less than a sum of zeros and ones: the aggregate runs only on the rows that count.
        sql<CountRow>`select null as grp, count(*) as received, ${sql.join(
          contributions.map(([name, { when, value }]) => {
            const aggregate = value === undefined ? sql`count(*)` : sql`sum(${value})`
            return when === undefined
              ? sql`${aggregate} as ${sql.id(name)}`
              : sql`${aggregate} filter (where ${when}) as ${sql.id(name)}`
          }),
        )}
          from disputes as d where ${windowOf(part)}`
      : // Per group: a subquery turns each dispute into its group and its contributions, the
        // outer query adds them up. Grouping the rows themselves would make SQLite sort every
        // row with every column the counts read, not the few values the subquery computes.
        sql<CountRow>`select r.grp as grp, count(*) as received, ${sql.join(
          contributions.map(([name]) => sql`sum(${sql.ref(`r.${name}`)}) as ${sql.id(name)}`),
        )}
          from (select ${group} as grp, ${sql.join(
            contributions.map(([name, contribution]) => sql`${perRow(contribution)} as ${sql.id(name)}`),
          )}
            from disputes as d where ${windowOf(part)}${fn.unmerged}) as r
          group by r.grp order by r.grp`

  const parts = readWorkers ? await windowParts(db, filter, readWorkers.parallelism) : null
  const rows = parts
    ? mergeCountRows(
        (await readWorkers?.all(parts.map((part) => queryOver(part).compile(db)))) as CountRow[][],
      )
    : (await withoutJit(db, dialect, (reader) => queryOver([]).execute(reader))).rows
  return rows.map((row) => {
    // PostgreSQL returns sums of bigints as numeric text; a sum over no rows is null.
    const n = (value: number | string | null) => Number(value ?? 0)
    const closedAfterMediation = n(row.closed_after_mediation)
    return {
      group: row.grp,
      counts: {
        received: n(row.received),
        accepted: n(row.accepted),
        settled: n(row.settled),
        escalated: n(row.escalated_now) + closedAfterMediation,
        returned: n(row.returned_now) + n(row.closed_by_regulator) - closedAfterMediation,
        withdrawn: n(row.withdrawn),
        overdue: n(row.overdue),
        concludedOnTime: n(row.concluded_on_time),
        responded: n(row.responded),
        feedback: n(row.feedback),
        satisfied: n(row.satisfied),
        resolved: n(row.resolved),
        settledHandlingMs: n(row.settled_handling_ms),
        refunded: n(row.refunded),
        urged: n(row.urged),
        mediated: n(row.mediated),
        settledResolutionMs: n(row.settled_resolution_ms),
        mediatedResolutionMs: n(row.mediated_resolution_ms),
        consumerAnswered: n(row.consumer_answered),
        consumerConfirmed: n(row.consumer_confirmed),
        consumerSatisfied: n(row.consumer_satisfied),
      },
    }
  })
}

/** Assigned in the window [from, to): what bounds a report by time, and its parts. */
function assignedIn({ from, to }: Pick<AggregateFilter, 'from' | 'to'>): RawBuilder<unknown>[] {
  const assignedAt = sql.ref('d.assigned_at')
  return [sql`${assignedAt} < ${to}`, ...(from === null ? [] : [sql`${assignedAt} >= ${from}`])]
}

/**
 * The window cut into `count` parts by assignment time, at even steps between the first and
 * the last dispute assigned in it: a condition (or two) per part, which together take every
 * row of the window exactly once. Null when there is nothing to cut (no dispute, or all at
 * one instant).
 */
async function windowParts(
  db: Kysely<Schema>,
  filter: AggregateFilter,
  count: number,
): Promise<RawBuilder<unknown>[][] | null> {
  const assignedAt = sql.ref('d.assigned_at')
  const { rows } = await sql<{ first: string | null; last: string | null }>`
    select min(${assignedAt}) as first, max(${assignedAt}) as last from disputes as d
    where ${sql.join(assignedIn(filter), sql` and `)}`.execute(db)
  const first = Date.parse(rows[0]?.first ?? '')
  const last = Date.parse(rows[0]?.last ?? '')
  if (!(first < last)) return null
  const cuts = Array.from({ length: count - 1 }, (_, k) =>
    new Date(first + Math.round(((last - first) * (k + 1)) / count)).toISOString(),
  )
  return Array.from({ length: count }, (_, k) => [
    ...(k > 0 ? [sql`${assignedAt} >= ${cuts[k - 1]}`] : []),
    ...(k < count - 1 ? [sql`${assignedAt} < ${cuts[k]}`] : []),
  ])
}

/**
 * The rows of the parts as one statement over the whole window would have given them: the
 * counts of each group added up, the groups in its order (SQLite sorts null first, then text
 * by its bytes, which for the ids, types and months grouped by is JavaScript's order).
 */
function mergeCountRows(parts: readonly CountRow[][]): CountRow[] {
  const merged = new Map<string | null, CountRow>()
  for (const row of parts.flat()) {
    const sum = merged.get(row.grp)
    if (!sum) {
      merged.set(row.grp, { ...row })
      continue
    }
    for (const key of Object.keys(row) as (keyof CountRow)[]) {
      if (key === 'grp') continue
      const [a, b] = [sum[key], row[key]]
      // A sum over no rows is null; it stays null only if it is null in every part.
      ;(sum as unknown as Record<string, number | null>)[key] =
        a === null && b === null ? null : Number(a ?? 0) + Number(b ?? 0)
    }
  }
  return [...merged.values()].sort((x, y) =>
    x.grp === y.grp ? 0 : x.grp === null ? -1 : y.grp === null ? 1 : x.grp < y.grp ? -1 : 1,
  )
}
