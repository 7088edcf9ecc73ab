import { type Kysely, sql } from 'kysely'
import {
  type CandidateRule,
  type RuleBook,
  type RuleConditions,
  ruleBook,
} from '../../domain/dispatch/dispatcher.js'
import type { Schema } from '../../storage/schema.js'

/**
 * Each jurisdiction's rule book, kept while the generation it was read under is current.
 *
 * Every intake that the enterprises do not claim tries its jurisdiction's rules; reading a
 * thousand of them on each intake cost more than the rest of the intake together. The
 * database's `dispatch_generation` token changes, by trigger, in the transaction that
 * changes a rule, a unit or the tree (migration 0013), so one primary-key read tells whether
 * a book is still the truth, in this instance and in every other one on the same database.
 *
 * The generation is read before the book: a book read after a change committed is at least
 * as new as the token it is kept under, so a stale book is never kept under a current token.
 * Keyed by jurisdiction; tokens are random, so books of another database never pass for
 * this one's. Bounded: emptied when it holds more jurisdictions than any deployment has.
 */
/** Plain SQL, the same on both backends: it runs on every intake, so nothing is built for it. */
const readGeneration = sql<{ generation: string }>`select generation from dispatch_generation`

const books = new Map<string, { generation: string; book: RuleBook }>()
const BOOKS_LIMIT = 10_000

export async function currentRuleBook(db: Kysely<Schema>, jurisdictionId: string): Promise<RuleBook> {
  const generation = (await readGeneration.execute(db)).rows[0]?.generation
  const kept = books.get(jurisdictionId)
  if (generation !== undefined && kept?.generation === generation) return kept.book
  const book = await readRuleBook(db, jurisdictionId)
  if (generation !== undefined) {
    if (books.size >= BOOKS_LIMIT) books.clear()
    books.set(jurisdictionId, { generation, book })
  }
  return book
}

/**
 * The jurisdiction's chain of ancestors, the enabled rules along it (the
 * `(jurisdiction_id, enabled, priority, id)` index, in its order) and the active centres.
 */
async function readRuleBook(db: Kysely<Schema>, jurisdictionId: string): Promise<RuleBook> {
  const chain = (
    await db
      .selectFrom('jurisdiction_closure')
      .select(['ancestor_id', 'depth'])
      .where('descendant_id', '=', jurisdictionId)
      .orderBy('depth')
      .execute()
  ).map((row) => row.ancestor_id)
  const ruleRows = await db
    .selectFrom('routing_rules as r')
    .innerJoin('handling_units as u', 'u.id', 'r.unit_id')
    .select(['r.id', 'r.jurisdiction_id', 'r.priority', 'r.conditions', 'r.unit_id', 'u.status'])
    .where('r.jurisdiction_id', 'in', chain)
    .where('r.enabled', '=', 1)
    .orderBy('r.jurisdiction_id')
    .orderBy('r.priority')
    .orderBy('r.id')
    .execute()
  const rules: CandidateRule[] = ruleRows.map((row) => ({
    id: row.id,
    jurisdiction_id: row.jurisdiction_id,
    priority: row.priority,
    enabled: true,
    conditions: JSON.parse(row.conditions) as RuleConditions,
    unit_id: row.unit_id,
    unit_active: row.status === 'active',
  }))
  const centerRows = await db
    .selectFrom('handling_units')
    .select(['id', 'name', 'jurisdiction_id'])
    .where('jurisdiction_id', 'in', chain)
    .where('kind', '=', 'center')
    .where('status', '=', 'active')
    .orderBy('id')
    .execute()
  const centers = new Map<string, { id: string; name: string }>()
  for (const row of centerRows) {
    if (!centers.has(row.jurisdiction_id)) centers.set(row.jurisdiction_id, { id: row.id, name: row.name })
  }
  return ruleBook({ chain, rules, centers })
}
