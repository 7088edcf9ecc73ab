import type { Kysely } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import type { Schema } from '../../storage/schema.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { evidenceOf } from './evidence.js'
import { findVisibleDispute } from './queries.js'
import { presentContact, presentMediationRecord, presentRefund, presentSettlement } from './records.js'

/** The records a dispute keeps, each readable on its own as a list, oldest first. */
const recordKinds = {
  contacts: { table: 'contacts', present: presentContact },
  settlements: { table: 'settlements', present: presentSettlement },
  refunds: { table: 'refunds', present: presentRefund },
  'mediation-records': { table: 'mediation_records', present: presentMediationRecord },
} as const

export type RecordKind = keyof typeof recordKinds
export const recordKindNames = Object.keys(recordKinds) as RecordKind[]

/**
 * A page of one kind of a dispute's records, each with the files it cites. Who may see the
 * dispute may see its records; ids sort by creation, so a cursor walk neither skips nor repeats.
 */
export async function listRecords(
  db: Kysely<Schema>,
  principal: Principal,
  disputeId: string,
  kind: RecordKind,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<unknown>> {
  await findVisibleDispute(db, principal, disputeId)
  const { table, present } = recordKinds[kind]
  let query = db.selectFrom(table).selectAll().where('dispute_id', '=', disputeId)
  if (page.cursor) query = query.where('id', '>', decodeCursor(page.cursor, ['id'])[0])
  const rows = await query
    .orderBy('id')
    .limit(page.limit + 1)
    .execute()
  const evidence = await evidenceOf(
    db,
    rows.map((row) => row.id),
  )
  return toPage(
    rows,
    page.limit,
    (row) =>
      (present as (row: unknown, evidence: readonly string[]) => unknown)(row, evidence.get(row.id) ?? []),
    (row) => [row.id],
  )
}
