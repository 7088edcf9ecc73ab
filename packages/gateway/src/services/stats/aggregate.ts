import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely'
import { overdueSql } from '../../domain/disputes/deadline-state.js'
import { regulatorResolutions } from '../../domain/disputes/lifecycle.js'
import type { IndicatorCounts } from '../../domain/indicators.js'
import type { StatsGrouping } from '../../schemas/stats.js'
import { type DialectName, sqlFunctions, withoutJit } from '../../storage/dialect.js'
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
  /** Only disputes received in this node's subtree; null for the whole tree. */
  jurisdictionId: string | null
  groupBy: StatsGrouping | null
  /** What "overdue" is measured against for disputes still awaiting the enterprise. */
  now: string
}

export interface CountedGroup {
  group: string | null
  counts: IndicatorCounts
}

/**
 * Audit actions that send a dispute to administrative mediation, besides an outcome of
 * `not_settled` (the partial index `timeline_entries_escalations` holds exactly these).
 */
const escalationActions = ['dispute.escalated', 'dispute.overdue_escalated'] as const

const literals = (values: readonly string[]) => sql.join(values.map((value) => sql.lit(value)))
const flag = (condition: RawBuilder<unknown>) => sql<number>`case when ${condition} then 1 else 0 end`

/**
 * Counts the disputes of one window per group, in one statement: a subquery reads each
 * dispute of the window once (through the `assigned_at` indexes) and turns it into a few
 * numbers, and the outer query adds them up per group. Nothing but one row per group comes
 * back. docs/stats.md explains each count.
 */
export async function countIndicators(
  db: Kysely<Schema>,
  dialect: DialectName,
  filter: AggregateFilter,
): Promise<CountedGroup[]> {
  const fn = sqlFunctions(dialect)
  const d = <T = string | null>(column: string) => sql.ref(`d.${column}`) as unknown as Expression<T>

  const settled = sql`${d('resolution')} = 'settled'`
  // Closed by the regulator: after mediation, or after the enterprise declined it. Which of
  // the two is in the history, looked up only for these rows. An outcome can only be there
  // as `not_settled` (`fulfilled` closes as settled), and nothing is declined after one.
  const closedByRegulator = sql`(${d('status')} = 'closed' and ${d('resolution')} in (${literals(regulatorResolutions)}))`
  const wasEscalated = sql`(${d('outcome')} is not null or exists (select 1 from timeline_entries t where t.dispute_id = ${d(
    'id',
  )} and t.action in (${literals(escalationActions)})))`
  const concluded = sql`(${settled} or ${d('status')} in ('escalated', 'returned') or ${closedByRegulator})`
  const overdue = overdueSql(filter.now, 'd')
  // A contact by whoever holds the dispute now (contacts keep the holder's id, a unit's too).
  const contactInTime = sql`exists (select 1 from contacts c where c.dispute_id = ${d('id')} and c.enterprise_id = ${d(
    'assignee_id',
  )} and c.contacted_at <= ${d('respond_by')})`

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

  // One row per dispute: its group and what it adds to each count.
  let perDispute = db
    .selectFrom('disputes as d')
    .select([
      sql<string | null>`${group}`.as('grp'),
      flag(sql`${d('accepted_at')} is not null`).as('accepted'),
      flag(settled).as('settled'),
      flag(sql`${d('status')} = 'escalated'`).as('escalated_now'),
      flag(sql`${d('status')} = 'returned'`).as('returned_now'),
      flag(closedByRegulator).as('closed_by_regulator'),
      sql<number>`case when ${closedByRegulator} and ${wasEscalated} then 1 else 0 end`.as(
        'closed_after_mediation',
      ),
      flag(sql`${d('resolution')} = 'withdrawn'`).as('withdrawn'),
      flag(overdue).as('overdue'),
      flag(sql`${concluded} and ${d('overdue')} = 0`).as('concluded_on_time'),
      // CASE, so the contacts are looked up only for accepted disputes.
      sql<number>`case when ${d('accepted_at')} is null then 0 when ${contactInTime} then 1 else 0 end`.as(
        'responded',
      ),
      flag(sql`${d('feedback')} is not null`).as('feedback'),
      flag(sql`${fn.jsonString(d('feedback'), 'satisfaction')} in ('satisfied', 'basically_satisfied')`).as(
        'satisfied',
      ),
      flag(fn.jsonIsTrue(d('feedback'), 'resolved')).as('resolved'),
      sql<number | null>`case when ${settled} then ${fn.millisecondsBetween(
        d<string>('assigned_at'),
        d<string>('closed_at'),
      )} end`.as('settled_handling_ms'),
      sql<number>`${d('refunded_amount')}`.as('refunded'),
    ])
    .where('d.assigned_at', '<', filter.to)
  if (filter.from !== null) perDispute = perDispute.where('d.assigned_at', '>=', filter.from)
  if (filter.enterpriseId !== null) perDispute = perDispute.where('d.enterprise_id', '=', filter.enterpriseId)
  if (filter.assigneeId) perDispute = perDispute.where('d.assignee_id', '=', filter.assigneeId)
  // Per enterprise counts only what enterprises hold; what units hold is grouped by assignee.
  if (filter.groupBy === 'enterprise') perDispute = perDispute.where('d.assignee_type', '=', 'enterprise')
  if (filter.jurisdictionId !== null) {
    perDispute = perDispute.where('d.jurisdiction_id', 'in', subtreeIds(db, filter.jurisdictionId))
  }

  const total = (column: string) => sql<number | string | null>`sum(${sql.ref(`r.${column}`)})`
  let query = db
    .selectFrom(fn.unmerged(perDispute).as('r'))
    .select([
      sql<string | null>`${filter.groupBy === null ? sql`null` : sql`r.grp`}`.as('grp'),
      sql<number | string>`count(*)`.as('received'),
      total('accepted').as('accepted'),
      total('settled').as('settled'),
      total('escalated_now').as('escalated_now'),
      total('returned_now').as('returned_now'),
      total('closed_by_regulator').as('closed_by_regulator'),
      total('closed_after_mediation').as('closed_after_mediation'),
      total('withdrawn').as('withdrawn'),
      total('overdue').as('overdue'),
      total('concluded_on_time').as('concluded_on_time'),
      total('responded').as('responded'),
      total('feedback').as('feedback'),
      total('satisfied').as('satisfied'),
      total('resolved').as('resolved'),
      total('settled_handling_ms').as('settled_handling_ms'),
      total('refunded').as('refunded'),
    ])
  // Without group_by there is no GROUP BY: the one row of totals comes back even for an empty window.
  if (filter.groupBy !== null) query = query.groupBy(sql`r.grp`).orderBy(sql`r.grp`)

  const { rows } = await withoutJit(db, dialect, (reader) => reader.executeQuery(query))
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
      },
    }
  })
}
