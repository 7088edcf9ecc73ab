import { createHash } from 'node:crypto'
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import { overdueSql } from '../../domain/disputes/deadline-state.js'
import { regulatorResolutions } from '../../domain/disputes/lifecycle.js'
import type { RiskSignalTable, Schema } from '../../storage/schema.js'
import type { RiskThresholds } from './thresholds.js'
import { type RiskWindow, weekLabel, weekOf } from './windows.js'

export type RiskSignalKind = RiskSignalTable['kind']

export interface RiskSubject {
  enterprise_id?: string
  category?: string
  problem_type?: string
}

/** A signal whose threshold holds in a window, before it is stored. */
export interface DetectedSignal {
  kind: RiskSignalKind
  jurisdictionId: string
  subject: RiskSubject
  /** The subject as one string: what makes the signal the same one on the next run. */
  subjectKey: string
  value: number
  baseline: number | null
  threshold: number
  explanation: string
  /** Which of the window's disputes the signal is about (its first 20 are listed). */
  disputes: RawBuilder<SqlBool>
}

/** A signal as a detector finds it: its sentence still waits for the enterprise's name. */
type Found = Omit<DetectedSignal, 'explanation'> & { explain(enterprise: string): string }

/**
 * Every signal whose threshold holds in `window`, per jurisdiction (the one that received
 * the disputes). Each kind is one aggregate statement over the window's disputes; only one
 * row per subject over its threshold comes back, never a dispute. docs/risk-signals.md
 * gives each formula with a worked example.
 */
export async function detectSignals(
  db: Kysely<Schema>,
  window: RiskWindow,
  thresholds: RiskThresholds,
  now: Date,
): Promise<DetectedSignal[]> {
  const found = [
    ...(await risingVolume(db, window, thresholds, 'enterprise_id')),
    ...(await risingVolume(db, window, thresholds, 'category')),
    ...(await repeatedProblem(db, window, thresholds)),
    ...(await lowSettlementRate(db, window, thresholds)),
    ...(await overdueCluster(db, window, thresholds, now)),
    ...(await repeatComplainant(db, window, thresholds)),
  ]
  const names = await enterpriseNames(db, found)
  return found.map(({ explain, ...signal }) => {
    const id = signal.subject.enterprise_id ?? ''
    const name = names.get(id)
    return { ...signal, explanation: explain(name === undefined ? id : `${name} (${id})`) }
  })
}

/** The names of the enterprises the signals are about, in one query: a sentence names them. */
async function enterpriseNames(db: Kysely<Schema>, found: readonly Found[]): Promise<Map<string, string>> {
  const ids = [...new Set(found.flatMap((signal) => signal.subject.enterprise_id ?? []))]
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('enterprises').select(['id', 'name']).where('id', 'in', ids).execute()
  return new Map(rows.map((row) => [row.id, row.name]))
}

const count = (value: unknown) => Number(value ?? 0)
const flag = (condition: RawBuilder<unknown>) => sql<number>`sum(case when ${condition} then 1 else 0 end)`
const inWindow = (window: RiskWindow) =>
  sql<SqlBool>`assigned_at >= ${window.start} and assigned_at < ${window.end}`
const subjectKeyOf = (parts: readonly (string | null)[]) => JSON.stringify(parts)

/**
 * `rising_volume`: an enterprise's (or a category's) disputes in the window against the mean
 * of the previous windows. Raised at no fewer than the minimum count and no less than the
 * percentage of that mean; compared in integers (count × 100 × N ≥ percent × previous), so
 * that no rounding decides.
 */
async function risingVolume(
  db: Kysely<Schema>,
  window: RiskWindow,
  thresholds: RiskThresholds,
  dimension: 'enterprise_id' | 'category',
): Promise<Found[]> {
  const { risingPreviousWindows: windows, risingPercent: percent, risingMinCount: minimum } = thresholds
  const since = weekOf(new Date(window.start), -windows).start
  const current = flag(sql`assigned_at >= ${window.start}`)
  const previous = flag(sql`assigned_at < ${window.start}`)
  const rows = await db
    .selectFrom('disputes')
    .select([
      'jurisdiction_id',
      sql<string>`${sql.ref(dimension)}`.as('subject'),
      current.as('current'),
      previous.as('previous'),
    ])
    .where(dimension, 'is not', null)
    .where('assigned_at', '>=', since)
    .where('assigned_at', '<', window.end)
    .groupBy(['jurisdiction_id', dimension])
    .having(
      sql<SqlBool>`${current} >= ${minimum} and ${current} * ${100 * windows} >= ${percent} * ${previous}`,
    )
    .execute()
  return rows.map((row) => {
    const value = count(row.current)
    const baseline = count(row.previous) / windows
    const threshold = Math.max(minimum, (baseline * percent) / 100)
    return {
      kind: 'rising_volume',
      jurisdictionId: row.jurisdiction_id,
      subject: dimension === 'enterprise_id' ? { enterprise_id: row.subject } : { category: row.subject },
      subjectKey: subjectKeyOf(
        dimension === 'enterprise_id' ? [row.subject, null, null] : [null, row.subject, null],
      ),
      value,
      baseline,
      threshold,
      explain: (enterprise) =>
        `${value} disputes about ${dimension === 'enterprise_id' ? enterprise : `category ${row.subject}`} in ${weekLabel(window)}, against a mean of ${round(baseline)} a week over the ${windows} weeks before (raised at ${percent}% of the mean and at least ${minimum}).`,
      disputes: sql<SqlBool>`${inWindow(window)} and ${sql.ref(dimension)} = ${row.subject}`,
    }
  })
}

/** `repeated_problem`: one enterprise, one category, many disputes in the window. */
async function repeatedProblem(
  db: Kysely<Schema>,
  window: RiskWindow,
  thresholds: RiskThresholds,
): Promise<Found[]> {
  const minimum = thresholds.repeatedProblemMin
  const rows = await db
    .selectFrom('disputes')
    .select(['jurisdiction_id', 'enterprise_id', 'category', sql<number>`count(*)`.as('disputes')])
    .where('enterprise_id', 'is not', null)
    .where('category', 'is not', null)
    .where(inWindow(window))
    .groupBy(['jurisdiction_id', 'enterprise_id', 'category'])
    .having(sql<SqlBool>`count(*) >= ${minimum}`)
    .execute()
  return rows.map((row) => {
    const enterpriseId = row.enterprise_id as string
    const category = row.category as string
    const value = count(row.disputes)
    return {
      kind: 'repeated_problem',
      jurisdictionId: row.jurisdiction_id,
      subject: { enterprise_id: enterpriseId, category },
      subjectKey: subjectKeyOf([enterpriseId, category, null]),
      value,
      baseline: null,
      threshold: minimum,
      explain: (enterprise) =>
        `${value} disputes about ${enterprise} in category ${category} in ${weekLabel(window)} (raised at ${minimum}).`,
      disputes: sql<SqlBool>`${inWindow(window)} and enterprise_id = ${enterpriseId} and category = ${category}`,
    }
  })
}

/**
 * `low_settlement_rate`: of an enterprise's disputes assigned in the window and concluded
 * (settled, escalated, returned, or closed by the regulator: as the indicators count them,
 * docs/stats.md), the share settled, when below the percentage over enough concluded ones.
 */
async function lowSettlementRate(
  db: Kysely<Schema>,
  window: RiskWindow,
  thresholds: RiskThresholds,
): Promise<Found[]> {
  const { lowSettlementPercent: percent, lowSettlementMinConcluded: minimum } = thresholds
  const resolutions = sql.join(regulatorResolutions.map((resolution) => sql.lit(resolution)))
  const isSettled = sql`resolution = 'settled'`
  const settled = flag(isSettled)
  const concluded = flag(
    sql`(${isSettled} or status in ('escalated', 'returned') or (status = 'closed' and resolution in (${resolutions})))`,
  )
  const rows = await db
    .selectFrom('disputes')
    .select(['jurisdiction_id', 'enterprise_id', settled.as('settled'), concluded.as('concluded')])
    .where('enterprise_id', 'is not', null)
    .where(inWindow(window))
    .groupBy(['jurisdiction_id', 'enterprise_id'])
    .having(sql<SqlBool>`${concluded} >= ${minimum} and ${settled} * 100 < ${percent} * ${concluded}`)
    .execute()
  return rows.map((row) => {
    const enterpriseId = row.enterprise_id as string
    const value = count(row.settled) / count(row.concluded)
    return {
      kind: 'low_settlement_rate',
      jurisdictionId: row.jurisdiction_id,
      subject: { enterprise_id: enterpriseId },
      subjectKey: subjectKeyOf([enterpriseId, null, null]),
      value: round(value),
      baseline: null,
      threshold: percent / 100,
      explain: (enterprise) =>
        `${enterprise} settled ${count(row.settled)} of the ${count(row.concluded)} disputes assigned in ${weekLabel(window)} and concluded (${Math.round(value * 100)}%, raised below ${percent}% over at least ${minimum}).`,
      disputes: sql<SqlBool>`${inWindow(window)} and enterprise_id = ${enterpriseId}`,
    }
  })
}

/** `overdue_cluster`: many of an enterprise's disputes assigned in the window are overdue now. */
async function overdueCluster(
  db: Kysely<Schema>,
  window: RiskWindow,
  thresholds: RiskThresholds,
  now: Date,
): Promise<Found[]> {
  const minimum = thresholds.overdueClusterMin
  const overdue = overdueSql(now.toISOString())
  const rows = await db
    .selectFrom('disputes')
    .select(['jurisdiction_id', 'enterprise_id', sql<number>`count(*)`.as('disputes')])
    .where('enterprise_id', 'is not', null)
    .where(inWindow(window))
    .where(overdue)
    .groupBy(['jurisdiction_id', 'enterprise_id'])
    .having(sql<SqlBool>`count(*) >= ${minimum}`)
    .execute()
  return rows.map((row) => {
    const enterpriseId = row.enterprise_id as string
    const value = count(row.disputes)
    return {
      kind: 'overdue_cluster',
      jurisdictionId: row.jurisdiction_id,
      subject: { enterprise_id: enterpriseId },
      subjectKey: subjectKeyOf([enterpriseId, null, null]),
      value,
      baseline: null,
      threshold: minimum,
      explain: (enterprise) =>
        `${value} disputes assigned to ${enterprise} in ${weekLabel(window)} are overdue (raised at ${minimum}).`,
      disputes: sql<SqlBool>`${inWindow(window)} and enterprise_id = ${enterpriseId} and ${overdue}`,
    }
  })
}

/**
 * `repeat_complainant`: one consumer (one phone key) with many disputes in the window. The
 * subject names no one: the stored key is a hash of the phone key, which itself never
 * leaves the disputes table, so a signal outlives the consumer's erasure without linking
 * anything to them.
 */
async function repeatComplainant(
  db: Kysely<Schema>,
  window: RiskWindow,
  thresholds: RiskThresholds,
): Promise<Found[]> {
  const minimum = thresholds.repeatComplainantMin
  const rows = await db
    .selectFrom('disputes')
    .select(['jurisdiction_id', 'consumer_phone_key', sql<number>`count(*)`.as('disputes')])
    .where('consumer_phone_key', 'is not', null)
    .where(inWindow(window))
    .groupBy(['jurisdiction_id', 'consumer_phone_key'])
    .having(sql<SqlBool>`count(*) >= ${minimum}`)
    .execute()
  return rows.map((row) => {
    const phoneKey = row.consumer_phone_key as string
    const value = count(row.disputes)
    return {
      kind: 'repeat_complainant',
      jurisdictionId: row.jurisdiction_id,
      subject: {},
      subjectKey: subjectKeyOf(['consumer', createHash('sha256').update(phoneKey).digest('base64url')]),
      value,
      baseline: null,
      threshold: minimum,
      explain: () => `One consumer filed ${value} disputes in ${weekLabel(window)} (raised at ${minimum}).`,
      disputes: sql<SqlBool>`${inWindow(window)} and consumer_phone_key = ${phoneKey}`,
    }
  })
}

/** To 4 decimals: enough for a rate or a mean, and the same number on both databases. */
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000
}
