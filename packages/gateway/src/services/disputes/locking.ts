import type { Kysely } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import { compiled } from '../../storage/compiled-statement.js'
import type { DisputeTable, Schema } from '../../storage/schema.js'
import type { WriteTransaction } from '../write/index.js'
import { enterpriseDisputes, visibleDisputes } from './queries.js'

/**
 * Reads a dispute the principal may see, locked for the rest of the transaction on
 * PostgreSQL (SQLite has one writer already), so that two actions on one dispute, say two
 * refunds, cannot both pass their checks against the same state.
 */
export async function lockDispute(
  tx: WriteTransaction,
  principal: Principal,
  id: string,
): Promise<DisputeTable> {
  const row =
    principal.role === 'enterprise'
      ? await ownDispute(tx, principal.enterpriseId ?? '', id)
      : await anyVisibleDispute(tx, principal, id)
  if (!row) throw problem('not_found', { en: `No dispute ${id}.`, zh: `纠纷 ${id} 不存在。` })
  return row
}

async function anyVisibleDispute(tx: WriteTransaction, principal: Principal, id: string) {
  let query = visibleDisputes(tx.db, principal).where('id', '=', id)
  if (tx.dialect === 'postgres') query = query.forUpdate()
  return query.executeTakeFirst()
}

/**
 * An enterprise's own dispute, by statements compiled once: most writes are an enterprise's,
 * and building this read anew cost more than SQLite takes to run it.
 */
async function ownDispute(tx: WriteTransaction, enterpriseId: string, id: string) {
  const statement = tx.dialect === 'postgres' ? readOwnLocked : readOwn
  const { rows } = await statement.execute(tx, { enterprise_id: enterpriseId, id })
  return rows[0]
}

const readOwn = compiled<{ enterprise_id: string; id: string }>()((db, p) =>
  enterpriseDisputes(db, p('enterprise_id')).where('id', '=', p('id')),
)
const readOwnLocked = compiled<{ enterprise_id: string; id: string }>()((db, p) =>
  enterpriseDisputes(db, p('enterprise_id')).where('id', '=', p('id')).forUpdate(),
)

/** The enterprise a dispute is routed to must exist and take part in the ODR programme. */
export async function activeEnterprise(
  tx: { db: Kysely<Schema> },
  enterpriseId: string,
): Promise<{ id: string; name: string }> {
  const enterprise = await tx.db
    .selectFrom('enterprises')
    .select(['id', 'name', 'odr_status'])
    .where('id', '=', enterpriseId)
    .executeTakeFirst()
  if (!enterprise)
    throw problem('not_found', { en: `No enterprise ${enterpriseId}.`, zh: `企业 ${enterpriseId} 不存在。` })
  if (enterprise.odr_status !== 'active') {
    throw problem('enterprise_not_active', {
      en: `Enterprise ${enterpriseId} is ${enterprise.odr_status} and takes no new disputes.`,
      zh: `企业 ${enterpriseId} 的状态为 ${enterprise.odr_status}，不再受理新纠纷。`,
    })
  }
  return enterprise
}
