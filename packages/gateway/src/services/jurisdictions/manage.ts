import type { Static } from 'typebox'
import { newId } from '../../domain/ids.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { JurisdictionCreate, JurisdictionUpdate } from '../../schemas/jurisdictions.js'
import type { Database } from '../../storage/database.js'
import type { JurisdictionTable } from '../../storage/schema.js'
import { runWrite, type WriteContext, type WriteOutcome, type WriteTransaction } from '../write/index.js'
import { findInSubtree, type JurisdictionView, presentJurisdiction } from './tree.js'

type Level = JurisdictionTable['level']
const rank: Record<Level, number> = { city: 0, district: 1, station: 2 }

/** Cities and districts are named by their GB/T 2260 area code; stations by an internal one. */
function assertCodeFitsLevel(code: string, level: Level): void {
  if (level !== 'station' && !/^\d{6}$/.test(code)) {
    throw problem(
      'validation_failed',
      {
        en: `A ${level} is coded by its six-digit GB/T 2260 area code, not "${code}".`,
        zh: `${level} 级辖区应使用六位 GB/T 2260 行政区划代码，而不是“${code}”。`,
      },
      {
        errors: [
          {
            path: 'body/code',
            message: { en: 'six digits for a city or a district', zh: '市级和区县级辖区须为六位数字' },
          },
        ],
      },
    )
  }
}

async function assertCodeFree(tx: WriteTransaction, code: string, except?: string): Promise<void> {
  const existing = await tx.db
    .selectFrom('jurisdictions')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirst()
  if (existing && existing.id !== except) {
    throw problem(
      'conflict',
      {
        en: `Jurisdiction ${existing.id} already has the code ${code}.`,
        zh: `辖区 ${existing.id} 已使用代码 ${code}。`,
      },
      {
        extensions: { existing_id: existing.id },
      },
    )
  }
}

/** A child sits at a lower level than its parent: a station under a district or a city. */
function assertBelow(parent: Level, child: Level): void {
  if (rank[child] <= rank[parent]) {
    throw problem(
      'validation_failed',
      {
        en: `A ${child} cannot sit under a ${parent}.`,
        zh: `${child} 级辖区不能设在 ${parent} 级辖区之下。`,
      },
      {
        errors: [{ path: 'body/level', message: { en: `below ${parent}`, zh: `不能在 ${parent} 级之下` } }],
      },
    )
  }
}

/**
 * A regulator adds a node under its own or any node of its subtree. The closure rows (every
 * ancestor of the parent, and the node itself) are written in the same transaction, so the
 * node is in its ancestors' subtrees from the moment it exists.
 */
export function createJurisdiction(
  database: Database,
  context: WriteContext & { actor: Principal },
  input: Static<typeof JurisdictionCreate>,
): Promise<WriteOutcome<JurisdictionView>> {
  assertCodeFitsLevel(input.code, input.level)
  return runWrite(database, context, async (tx) => {
    const parent = await findInSubtree(
      tx.db,
      context.actor,
      input.parent_id ?? context.actor.jurisdictionId ?? '',
    )
    assertBelow(parent.level, input.level)
    await assertCodeFree(tx, input.code)
    const at = tx.now.toISOString()
    const row: JurisdictionTable = {
      id: newId('jur', tx.now.getTime()),
      name: input.name,
      code: input.code,
      level: input.level,
      parent_id: parent.id,
      created_at: at,
      updated_at: at,
    }
    await tx.db.insertInto('jurisdictions').values(row).execute()
    await tx.db
      .insertInto('jurisdiction_closure')
      .columns(['ancestor_id', 'descendant_id', 'depth'])
      .expression((eb) =>
        eb
          .selectFrom('jurisdiction_closure')
          .select((s) => [
            'ancestor_id',
            s.val(row.id).as('descendant_id'),
            s(s.ref('depth'), '+', 1).as('depth'),
          ])
          .where('descendant_id', '=', parent.id),
      )
      .execute()
    await tx.db
      .insertInto('jurisdiction_closure')
      .values({ ancestor_id: row.id, descendant_id: row.id, depth: 0 })
      .execute()
    const view = presentJurisdiction(row)
    tx.audit({ action: 'jurisdiction.created', objectId: row.id, jurisdictionId: row.id, state: view })
    return { status: 201, body: view }
  })
}

/**
 * Renames or recodes a node: a regulator of a node above it does, and the root's own
 * regulators name the root (which has no parent) at set-up. A node never moves: its place
 * decides who has seen its data, and the audit log has recorded that.
 */
export function updateJurisdiction(
  database: Database,
  context: WriteContext & { actor: Principal },
  id: string,
  patch: Static<typeof JurisdictionUpdate>,
): Promise<WriteOutcome<JurisdictionView>> {
  return runWrite(database, context, async (tx) => {
    const current = await findInSubtree(tx.db, context.actor, id)
    if (current.id === context.actor.jurisdictionId && current.parent_id !== null) {
      throw problem('forbidden', {
        en: "A jurisdiction is managed by its parent's regulators, not its own.",
        zh: '辖区由上级辖区的监管部门管理，不能由本级管理。',
      })
    }
    const next: JurisdictionTable = {
      ...current,
      name: patch.name ?? current.name,
      code: patch.code ?? current.code,
      level: patch.level ?? current.level,
      updated_at: tx.now.toISOString(),
    }
    assertCodeFitsLevel(next.code, next.level)
    if (next.code !== current.code) await assertCodeFree(tx, next.code, id)
    if (next.level !== current.level) await assertLevelFits(tx, next)
    await tx.db
      .updateTable('jurisdictions')
      .set({ name: next.name, code: next.code, level: next.level, updated_at: next.updated_at })
      .where('id', '=', id)
      .execute()
    const view = presentJurisdiction(next)
    tx.audit({ action: 'jurisdiction.updated', objectId: id, jurisdictionId: id, state: view })
    return { status: 200, body: view }
  })
}

/** A new level still sits below the parent's and above every child's. */
async function assertLevelFits(tx: WriteTransaction, node: JurisdictionTable): Promise<void> {
  if (node.parent_id !== null) {
    const parent = await tx.db
      .selectFrom('jurisdictions')
      .select('level')
      .where('id', '=', node.parent_id)
      .executeTakeFirstOrThrow()
    assertBelow(parent.level, node.level)
  }
  const children = await tx.db
    .selectFrom('jurisdictions')
    .select('level')
    .where('parent_id', '=', node.id)
    .execute()
  for (const child of children) assertBelow(node.level, child.level)
}
