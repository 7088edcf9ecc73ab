import type { Kysely } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { JurisdictionTable, Schema } from '../../storage/schema.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { regulatorSubtree } from '../tenancy/subtree.js'

export interface JurisdictionView {
  id: string
  object: 'jurisdiction'
  name: string
  code: string
  level: JurisdictionTable['level']
  parent_id: string | null
  created_at: string
  updated_at: string
}

export function presentJurisdiction(row: JurisdictionTable): JurisdictionView {
  return {
    id: row.id,
    object: 'jurisdiction',
    name: row.name,
    code: row.code,
    level: row.level,
    parent_id: row.parent_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

/** A node of the caller's subtree; any other is not found, as another tenant's object is. */
export async function findInSubtree(
  db: Kysely<Schema>,
  principal: Principal,
  id: string,
): Promise<JurisdictionTable> {
  const row = await db
    .selectFrom('jurisdictions')
    .selectAll()
    .where('id', '=', id)
    .where('id', 'in', regulatorSubtree(db, principal))
    .executeTakeFirst()
  if (!row) throw problem('not_found', { en: `No jurisdiction ${id}.`, zh: `辖区 ${id} 不存在。` })
  return row
}

export async function getJurisdiction(
  db: Kysely<Schema>,
  principal: Principal,
  id: string,
): Promise<JurisdictionView> {
  return presentJurisdiction(await findInSubtree(db, principal, id))
}

/** The root of the tree: made at set-up, the one node without a parent. */
export async function rootJurisdiction(db: Kysely<Schema>): Promise<JurisdictionTable> {
  const root = await db
    .selectFrom('jurisdictions')
    .selectAll()
    .where('parent_id', 'is', null)
    .executeTakeFirst()
  if (!root) throw new Error('the jurisdiction tree has no root: the database is not migrated')
  return root
}

export async function jurisdictionByCode(
  db: Kysely<Schema>,
  code: string,
): Promise<JurisdictionTable | undefined> {
  return db.selectFrom('jurisdictions').selectAll().where('code', '=', code).executeTakeFirst()
}

/**
 * The caller's subtree as a list, parents first: by depth below the caller's node, then by
 * id (creation order), which is also the keyset the cursor walks.
 */
export async function listJurisdictions(
  db: Kysely<Schema>,
  principal: Principal,
  query: { limit: number; cursor?: string | undefined; level?: JurisdictionTable['level'] | undefined },
): Promise<Page<JurisdictionView>> {
  let select = db
    .selectFrom('jurisdiction_closure as c')
    .innerJoin('jurisdictions as j', 'j.id', 'c.descendant_id')
    .selectAll('j')
    .select('c.depth')
    .where('c.ancestor_id', '=', principal.jurisdictionId ?? '')
  if (query.level) select = select.where('j.level', '=', query.level)
  if (query.cursor) {
    const [depth, id] = decodeCursor(query.cursor, ['index', 'id'])
    select = select.where((eb) =>
      eb.or([eb('c.depth', '>', depth), eb.and([eb('c.depth', '=', depth), eb('j.id', '>', id)])]),
    )
  }
  const rows = await select
    .orderBy('c.depth')
    .orderBy('j.id')
    .limit(query.limit + 1)
    .execute()
  return toPage(rows, query.limit, presentJurisdiction, (row) => [Number(row.depth), row.id])
}
