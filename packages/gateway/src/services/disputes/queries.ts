import { type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely'
import { overdueSql } from '../../domain/disputes/deadline-state.js'
import type { DisputeStatus } from '../../domain/disputes/lifecycle.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import { utc } from '../../schemas/common.js'
import type { Schema } from '../../storage/schema.js'
import { visibleEntries } from '../audit/index.js'
import { findInSubtree } from '../jurisdictions/tree.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { regulatorSubtree, subtreeIds } from '../tenancy/subtree.js'
import { type DisputeView, presentDispute } from './presenter.js'

/**
 * Disputes the principal may see: for a regulator, those received in its jurisdiction's
 * subtree; for an enterprise, those assigned to it now; for a unit, those its unit holds,
 * and for a centre's clients also the returned disputes of the centre's subtree, which
 * they dispatch again. Every read of disputes starts here, so tenancy is enforced in the
 * data layer: another tenant's dispute is simply not found.
 */
export function visibleDisputes(db: Kysely<Schema>, principal: Principal) {
  const all = db.selectFrom('disputes').selectAll()
  if (principal.role === 'regulator')
    return all.where('jurisdiction_id', 'in', regulatorSubtree(db, principal))
  if (principal.role === 'unit') {
    const held = (eb: ExpressionBuilder<Schema, 'disputes'>) =>
      eb.and([eb('assignee_type', '=', 'unit'), eb('assignee_id', '=', principal.unitId ?? '')])
    if (principal.unitKind !== 'center') return all.where(held)
    return all.where((eb) =>
      eb.or([
        held(eb),
        eb.and([
          eb('status', '=', 'returned'),
          eb('jurisdiction_id', 'in', subtreeIds(db, principal.jurisdictionId ?? '')),
        ]),
      ]),
    )
  }
  return enterpriseDisputes(db, principal.enterpriseId ?? '')
}

/** The disputes an enterprise holds: what an enterprise's client sees. */
export function enterpriseDisputes(db: Kysely<Schema>, enterpriseId: string) {
  return db
    .selectFrom('disputes')
    .selectAll()
    .where('assignee_type', '=', 'enterprise')
    .where('assignee_id', '=', enterpriseId)
}

export async function findVisibleDispute(db: Kysely<Schema>, principal: Principal, id: string) {
  const row = await visibleDisputes(db, principal).where('id', '=', id).executeTakeFirst()
  if (!row) throw problem('not_found', { en: `No dispute ${id}.`, zh: `纠纷 ${id} 不存在。` })
  return row
}

export async function getDispute(
  db: Kysely<Schema>,
  principal: Principal,
  id: string,
  now: Date,
): Promise<DisputeView> {
  return presentDispute(await findVisibleDispute(db, principal, id), principal, now)
}

export interface DisputeFilters {
  limit: number
  cursor?: string | undefined
  status?: DisputeStatus[] | undefined
  enterprise_id?: string | undefined
  /** Held by this enterprise (`ent_…`) or unit (`hnu_…`). */
  assignee?: string | undefined
  /** Only those waiting at a centre to be dispatched (or only the others). */
  awaiting_dispatch?: boolean | undefined
  /** Received in this node or below it. */
  jurisdiction_id?: string | undefined
  overdue?: boolean | undefined
  problem_type?: string | undefined
  external_ref?: string | undefined
  created_after?: string | undefined
  created_before?: string | undefined
}

/**
 * The disputes the principal may see that match the filters, unordered and unpaged: what the
 * list pages through and what a CSV export reads whole. A jurisdiction outside the caller's
 * subtree is not found before anything is read.
 */
export async function filteredDisputes(
  db: Kysely<Schema>,
  principal: Principal,
  filters: Omit<DisputeFilters, 'limit' | 'cursor'>,
  now: Date,
) {
  if (filters.jurisdiction_id !== undefined && principal.role === 'regulator') {
    await findInSubtree(db, principal, filters.jurisdiction_id)
  }
  let query = visibleDisputes(db, principal)
  if (filters.status?.length) query = query.where('status', 'in', filters.status)
  if (filters.enterprise_id) query = query.where('enterprise_id', '=', filters.enterprise_id)
  if (filters.assignee) query = query.where('assignee_id', '=', filters.assignee)
  if (filters.awaiting_dispatch !== undefined) {
    // Waiting at the centre: assigned and without a deadline (`domain/disputes/facts.ts`).
    query = filters.awaiting_dispatch
      ? query.where('status', '=', 'assigned').where('respond_by', 'is', null)
      : query.where((eb) => eb.or([eb('status', '!=', 'assigned'), eb('respond_by', 'is not', null)]))
  }
  if (filters.jurisdiction_id)
    query = query.where('jurisdiction_id', 'in', subtreeIds(db, filters.jurisdiction_id))
  if (filters.problem_type) query = query.where('problem_type', '=', filters.problem_type)
  if (filters.external_ref) query = query.where('external_ref', '=', filters.external_ref)
  if (filters.created_after) query = query.where('created_at', '>=', utc(filters.created_after))
  if (filters.created_before) query = query.where('created_at', '<', utc(filters.created_before))
  if (filters.overdue !== undefined) {
    const late = overdueSql(now.toISOString())
    query = query.where(filters.overdue ? late : sql<SqlBool>`not ${late}`)
  }
  return query
}

export async function listDisputes(
  db: Kysely<Schema>,
  principal: Principal,
  filters: DisputeFilters,
  now: Date,
): Promise<Page<DisputeView>> {
  let query = await filteredDisputes(db, principal, filters, now)
  if (filters.cursor) query = query.where('id', '<', decodeCursor(filters.cursor, ['id'])[0])
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filters.limit + 1)
    .execute()
  return toPage(
    rows,
    filters.limit,
    (row) => presentDispute(row, principal, now),
    (row) => [row.id],
  )
}

export async function disputeTimeline(
  db: Kysely<Schema>,
  principal: Principal,
  id: string,
  page: { limit: number; cursor?: string | undefined },
) {
  await findVisibleDispute(db, principal, id)
  // The timeline shows the entries of the dispute the caller may read in the audit log:
  // an enterprise's starts at its own assignment (see services/audit/visibility.ts).
  let query = db.selectFrom('timeline_entries').selectAll().where('dispute_id', '=', id)
  if (principal.role !== 'regulator') {
    query = query.where(
      'leaf_index',
      'in',
      visibleEntries(db, principal).select('leaf_index').where('dispute_id', '=', id),
    )
  }
  if (page.cursor) query = query.where('leaf_index', '>', decodeCursor(page.cursor, ['index'])[0])
  const rows = await query
    .orderBy('leaf_index', 'asc')
    .limit(page.limit + 1)
    .execute()
  return toPage(
    rows,
    page.limit,
    (row) => ({
      object: 'timeline_entry' as const,
      audit_index: Number(row.leaf_index),
      action: row.action,
      actor: JSON.parse(row.actor),
      at: row.at,
      object_id: row.object_id,
      details: JSON.parse(row.details),
    }),
    (row) => [Number(row.leaf_index)],
  )
}
