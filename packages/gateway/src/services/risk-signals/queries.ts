import type { Kysely } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import { utc } from '../../schemas/common.js'
import type { Schema } from '../../storage/schema.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { regulatorSubtree } from '../tenancy/subtree.js'
import type { RiskSignalKind } from './detect.js'
import { presentRiskSignal, type RiskSignalView } from './presenter.js'

/** The signals a regulator sees: those of its jurisdiction's subtree. */
function visibleSignals(db: Kysely<Schema>, principal: Principal) {
  return db
    .selectFrom('risk_signals')
    .selectAll()
    .where('jurisdiction_id', 'in', regulatorSubtree(db, principal))
}

export async function getRiskSignal(
  db: Kysely<Schema>,
  principal: Principal,
  id: string,
): Promise<RiskSignalView> {
  const row = await visibleSignals(db, principal).where('id', '=', id).executeTakeFirst()
  if (!row) throw problem('not_found', { en: `No risk signal ${id}.`, zh: `风险预警 ${id} 不存在。` })
  return presentRiskSignal(row)
}

/**
 * The watchlist: the signals of the caller's subtree whose window overlaps [from, to),
 * newest first (by first appearance).
 */
export async function listRiskSignals(
  db: Kysely<Schema>,
  principal: Principal,
  query: {
    limit: number
    cursor?: string | undefined
    from?: string | undefined
    to?: string | undefined
    kind?: RiskSignalKind | undefined
  },
): Promise<Page<RiskSignalView>> {
  const from = query.from === undefined ? undefined : utc(query.from)
  const to = query.to === undefined ? undefined : utc(query.to)
  if (from !== undefined && to !== undefined && from >= to) {
    throw problem(
      'validation_failed',
      { en: `from (${from}) must be before to (${to}).`, zh: `from（${from}）必须早于 to（${to}）。` },
      {
        errors: [{ path: 'querystring/from', message: { en: 'must be before to', zh: '必须早于 to' } }],
      },
    )
  }
  let select = visibleSignals(db, principal)
  if (from !== undefined) select = select.where('window_end', '>', from)
  if (to !== undefined) select = select.where('window_start', '<', to)
  if (query.kind) select = select.where('kind', '=', query.kind)
  if (query.cursor) select = select.where('id', '<', decodeCursor(query.cursor, ['id'])[0])
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()
  return toPage(rows, query.limit, presentRiskSignal, (row) => [row.id])
}
