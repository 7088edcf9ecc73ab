import type { Kysely, Transaction } from 'kysely'
import { nameKey } from '../domain/dispatch/names.js'
import { newId } from '../domain/ids.js'
import type { Principal } from '../domain/principal.js'
import { validateUscc } from '../domain/uscc.js'
import { problem } from '../errors.js'
import type { Database } from '../storage/database.js'
import type { EnterpriseTable, Schema } from '../storage/schema.js'
import { findInSubtree } from './jurisdictions/tree.js'
import { decodeCursor, type Page, toPage } from './pagination.js'
import { regulatorSubtree, subtreeIds } from './tenancy/subtree.js'
import { runWrite, type WriteContext, type WriteOutcome } from './write/index.js'

export type OdrStatus = EnterpriseTable['odr_status']

export interface EnterpriseView {
  id: string
  object: 'enterprise'
  name: string
  uscc: string
  address: string | null
  contact: { name: string; phone: string; email: string | null }
  odr_status: OdrStatus
  aliases: string[]
  jurisdiction_id: string
  created_at: string
  updated_at: string
}

export interface EnterpriseInput {
  name: string
  uscc: string
  address?: string | undefined
  contact: { name: string; phone: string; email?: string | undefined }
  aliases?: string[] | undefined
  jurisdiction_id?: string | undefined
}

export interface EnterprisePatch {
  name?: string | undefined
  address?: string | null | undefined
  contact?: { name: string; phone: string; email?: string | undefined } | undefined
  odr_status?: OdrStatus | undefined
  aliases?: string[] | undefined
}

export function presentEnterprise(row: EnterpriseTable): EnterpriseView {
  return {
    id: row.id,
    object: 'enterprise',
    name: row.name,
    uscc: row.uscc,
    address: row.address,
    contact: { name: row.contact_name, phone: row.contact_phone, email: row.contact_email },
    odr_status: row.odr_status,
    aliases: JSON.parse(row.aliases) as string[],
    jurisdiction_id: row.jurisdiction_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

/**
 * Enterprises the principal may see: the whole directory for a regulator (an enterprise
 * registered in one district takes disputes from every district), its own for an enterprise.
 */
export function visibleEnterprises(db: Kysely<Schema>, principal: Principal) {
  const all = db.selectFrom('enterprises').selectAll()
  return principal.role === 'regulator' ? all : all.where('id', '=', principal.enterpriseId ?? '')
}

/**
 * An enterprise the regulator manages: one registered in its jurisdiction's subtree. Any
 * other is not found for changes, its clients and its management, though the directory
 * shows it.
 */
export async function findManagedEnterprise(
  db: Kysely<Schema>,
  principal: Principal,
  id: string,
): Promise<EnterpriseTable> {
  const row = await db
    .selectFrom('enterprises')
    .selectAll()
    .where('id', '=', id)
    .where('jurisdiction_id', 'in', regulatorSubtree(db, principal))
    .executeTakeFirst()
  if (!row)
    throw problem('not_found', {
      en: `No enterprise ${id} registered in your jurisdiction.`,
      zh: `您的辖区内没有登记企业 ${id}。`,
    })
  return row
}

export async function getEnterprise(
  db: Kysely<Schema>,
  principal: Principal,
  id: string,
): Promise<EnterpriseView> {
  const row = await visibleEnterprises(db, principal).where('id', '=', id).executeTakeFirst()
  if (!row) throw problem('not_found', { en: `No enterprise ${id}.`, zh: `企业 ${id} 不存在。` })
  return presentEnterprise(row)
}

export async function listEnterprises(
  db: Kysely<Schema>,
  principal: Principal,
  query: {
    limit: number
    cursor?: string | undefined
    odr_status?: OdrStatus | undefined
    jurisdiction_id?: string | undefined
  },
): Promise<Page<EnterpriseView>> {
  let select = visibleEnterprises(db, principal)
  if (query.odr_status) select = select.where('odr_status', '=', query.odr_status)
  if (query.jurisdiction_id)
    select = select.where('jurisdiction_id', 'in', subtreeIds(db, query.jurisdiction_id))
  if (query.cursor) {
    const [after] = decodeCursor(query.cursor, ['id'])
    select = select.where('id', '<', String(after))
  }
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()
  return toPage(rows, query.limit, presentEnterprise, (row) => [row.id])
}

function assertValidUscc(uscc: string): void {
  const check = validateUscc(uscc)
  if (!check.valid) {
    throw problem(
      'validation_failed',
      {
        en: `The uscc is not a valid unified social credit code: ${check.reason.en}.`,
        zh: `uscc 不是有效的统一社会信用代码：${check.reason.zh}。`,
      },
      {
        errors: [{ path: 'body/uscc', message: check.reason }],
      },
    )
  }
}

async function assertUsccFree(trx: Transaction<Schema>, uscc: string): Promise<void> {
  const existing = await trx
    .selectFrom('enterprises')
    .select('id')
    .where('uscc', '=', uscc)
    .executeTakeFirst()
  if (existing) {
    throw problem(
      'conflict',
      {
        en: `An enterprise with this unified social credit code exists: ${existing.id}.`,
        zh: `已有企业使用该统一社会信用代码：${existing.id}。`,
      },
      {
        extensions: { existing_id: existing.id },
      },
    )
  }
}

export function createEnterprise(
  database: Database,
  context: WriteContext & { actor: Principal },
  input: EnterpriseInput,
): Promise<WriteOutcome<EnterpriseView>> {
  assertValidUscc(input.uscc)
  return runWrite(database, context, async (tx) => {
    const jurisdiction = await findInSubtree(
      tx.db,
      context.actor,
      input.jurisdiction_id ?? context.actor.jurisdictionId ?? '',
    )
    await assertUsccFree(tx.db, input.uscc)
    const at = tx.now.toISOString()
    const row: EnterpriseTable = {
      id: newId('ent'),
      name: input.name,
      uscc: input.uscc,
      address: input.address ?? null,
      contact_name: input.contact.name,
      contact_phone: input.contact.phone,
      contact_email: input.contact.email ?? null,
      odr_status: 'active',
      aliases: JSON.stringify(input.aliases ?? []),
      jurisdiction_id: jurisdiction.id,
      created_at: at,
      updated_at: at,
    }
    await tx.db.insertInto('enterprises').values(row).execute()
    await writeNameKeys(tx.db, row)
    const view = presentEnterprise(row)
    tx.audit({
      action: 'enterprise.created',
      objectId: row.id,
      enterpriseId: row.id,
      jurisdictionId: row.jurisdiction_id,
      state: view,
    })
    return { status: 201, body: view }
  })
}

/** The normalised name and aliases the dispatcher looks an enterprise up by. */
async function writeNameKeys(
  db: Kysely<Schema>,
  row: Pick<EnterpriseTable, 'id' | 'name' | 'aliases'>,
): Promise<void> {
  const keys = new Set([row.name, ...(JSON.parse(row.aliases) as string[])].map(nameKey))
  keys.delete('')
  if (keys.size === 0) return
  await db
    .insertInto('enterprise_names')
    .values([...keys].map((name_key) => ({ name_key, enterprise_id: row.id })))
    .execute()
}

/** `exited` (动态退出) is final: a returning enterprise signs up anew. */
function assertStatusChange(from: OdrStatus, to: OdrStatus | undefined): void {
  if (to !== undefined && to !== from && from === 'exited') {
    throw problem('conflict', {
      en: 'An enterprise that has exited the ODR programme cannot change its status.',
      zh: '已退出在线纠纷解决（ODR）的企业不能再变更状态。',
    })
  }
}

export function updateEnterprise(
  database: Database,
  context: WriteContext & { actor: Principal },
  id: string,
  patch: EnterprisePatch,
): Promise<WriteOutcome<EnterpriseView>> {
  return runWrite(database, context, async (tx) => {
    const current = await findManagedEnterprise(tx.db, context.actor, id)
    assertStatusChange(current.odr_status, patch.odr_status)
    const next: EnterpriseTable = {
      ...current,
      name: patch.name ?? current.name,
      address: patch.address === undefined ? current.address : patch.address,
      contact_name: patch.contact?.name ?? current.contact_name,
      contact_phone: patch.contact?.phone ?? current.contact_phone,
      contact_email: patch.contact ? (patch.contact.email ?? null) : current.contact_email,
      odr_status: patch.odr_status ?? current.odr_status,
      aliases: patch.aliases === undefined ? current.aliases : JSON.stringify(patch.aliases),
      updated_at: tx.now.toISOString(),
    }
    await tx.db.updateTable('enterprises').set(next).where('id', '=', id).execute()
    if (next.name !== current.name || next.aliases !== current.aliases) {
      await tx.db.deleteFrom('enterprise_names').where('enterprise_id', '=', id).execute()
      await writeNameKeys(tx.db, next)
    }
    const view = presentEnterprise(next)
    tx.audit({
      action: 'enterprise.updated',
      objectId: id,
      enterpriseId: id,
      jurisdictionId: next.jurisdiction_id,
      state: view,
    })
    return { status: 200, body: view }
  })
}
