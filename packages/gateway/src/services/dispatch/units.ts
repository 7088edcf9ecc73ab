import type { Kysely } from 'kysely'
import { newId } from '../../domain/ids.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { HandlingUnitTable, Schema } from '../../storage/schema.js'
import { findInSubtree } from '../jurisdictions/tree.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { regulatorSubtree, subtreeIds } from '../tenancy/subtree.js'
import { runWrite, type WriteContext, type WriteOutcome, type WriteTransaction } from '../write/index.js'

export function presentUnit(row: HandlingUnitTable) {
  return {
    id: row.id,
    object: 'handling_unit' as const,
    jurisdiction_id: row.jurisdiction_id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

export type UnitView = ReturnType<typeof presentUnit>

/** The units a regulator sees and manages: those of its jurisdiction's subtree. */
export function visibleUnits(db: Kysely<Schema>, principal: Principal) {
  return db
    .selectFrom('handling_units')
    .selectAll()
    .where('jurisdiction_id', 'in', regulatorSubtree(db, principal))
}

export async function findUnit(db: Kysely<Schema>, principal: Principal, id: string) {
  const row = await visibleUnits(db, principal).where('id', '=', id).executeTakeFirst()
  if (!row) throw problem('not_found', { en: `No handling unit ${id}.`, zh: `承办单位 ${id} 不存在。` })
  return row
}

/**
 * A unit that may receive a dispute from this caller: one of the caller's subtree (for a
 * centre's client, the subtree of the centre's jurisdiction), and active.
 */
export async function assignableUnit(
  tx: WriteTransaction,
  principal: Principal,
  id: string,
): Promise<HandlingUnitTable> {
  const row = await tx.db
    .selectFrom('handling_units')
    .selectAll()
    .where('id', '=', id)
    .where('jurisdiction_id', 'in', subtreeIds(tx.db, principal.jurisdictionId ?? ''))
    .executeTakeFirst()
  if (!row) throw problem('not_found', { en: `No handling unit ${id}.`, zh: `承办单位 ${id} 不存在。` })
  if (row.status !== 'active') {
    throw problem('unit_not_active', {
      en: `Handling unit ${id} is inactive and takes no disputes.`,
      zh: `承办单位 ${id} 已停用，不受理纠纷。`,
    })
  }
  return row
}

export async function listUnits(
  db: Kysely<Schema>,
  principal: Principal,
  query: {
    limit: number
    cursor?: string | undefined
    jurisdiction_id?: string | undefined
    kind?: HandlingUnitTable['kind'] | undefined
    status?: HandlingUnitTable['status'] | undefined
  },
): Promise<Page<UnitView>> {
  let select = visibleUnits(db, principal)
  if (query.jurisdiction_id) {
    await findInSubtree(db, principal, query.jurisdiction_id)
    select = select.where('jurisdiction_id', 'in', subtreeIds(db, query.jurisdiction_id))
  }
  if (query.kind) select = select.where('kind', '=', query.kind)
  if (query.status) select = select.where('status', '=', query.status)
  if (query.cursor) select = select.where('id', '<', decodeCursor(query.cursor, ['id'])[0])
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()
  return toPage(rows, query.limit, presentUnit, (row) => [row.id])
}

export function createUnit(
  database: Database,
  context: WriteContext & { actor: Principal },
  input: { name: string; kind: HandlingUnitTable['kind']; jurisdiction_id?: string | undefined },
): Promise<WriteOutcome<UnitView>> {
  return runWrite(database, context, async (tx) => {
    const jurisdiction = await findInSubtree(
      tx.db,
      context.actor,
      input.jurisdiction_id ?? context.actor.jurisdictionId ?? '',
    )
    const at = tx.now.toISOString()
    const row: HandlingUnitTable = {
      id: newId('hnu', tx.now.getTime()),
      jurisdiction_id: jurisdiction.id,
      name: input.name,
      kind: input.kind,
      status: 'active',
      created_at: at,
      updated_at: at,
    }
    await tx.db.insertInto('handling_units').values(row).execute()
    const view = presentUnit(row)
    tx.audit({
      action: 'handling_unit.created',
      objectId: row.id,
      jurisdictionId: row.jurisdiction_id,
      state: view,
    })
    return { status: 201, body: view }
  })
}

export function updateUnit(
  database: Database,
  context: WriteContext & { actor: Principal },
  id: string,
  patch: { name?: string | undefined; status?: HandlingUnitTable['status'] | undefined },
): Promise<WriteOutcome<UnitView>> {
  return runWrite(database, context, async (tx) => {
    const current = await findUnit(tx.db, context.actor, id)
    const next: HandlingUnitTable = {
      ...current,
      name: patch.name ?? current.name,
      status: patch.status ?? current.status,
      updated_at: tx.now.toISOString(),
    }
    await tx.db.updateTable('handling_units').set(next).where('id', '=', id).execute()
    const view = presentUnit(next)
    tx.audit({
      action: 'handling_unit.updated',
      objectId: id,
      jurisdictionId: next.jurisdiction_id,
      state: view,
    })
    return { status: 200, body: view }
  })
}
