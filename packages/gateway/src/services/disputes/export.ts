import type { Kysely } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import { maskName, maskPhone } from '../../domain/privacy.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { Schema } from '../../storage/schema.js'
import { runWrite, type WriteContext } from '../write/index.js'
import { presentRegisterEntry, type RegisterEntry, registerColumns } from './presenter.js'
import { type DisputeFilters, filteredDisputes } from './queries.js'

/** Rows read per statement: a page of the keyset walk, the most an export holds at once. */
export const EXPORT_BATCH = 500

/**
 * Who may export the consumers' names and phones in the clear: a regulator, and only by
 * asking. Anyone else asking is refused, so that a client cannot believe it has the full data.
 */
export function checkPersonalDataExport(principal: Principal, asked: boolean): void {
  if (asked && principal.role !== 'regulator') {
    throw problem('forbidden', {
      en: 'Only a regulator may export personal data (include_personal_data=true); leave it out for a masked export.',
      zh: '只有监管部门可以导出个人信息（include_personal_data=true）；去掉该参数即可导出脱敏数据。',
    })
  }
}

/**
 * The filtered disputes as lines of the register, newest first, read by keyset in batches
 * (only the register's columns) and yielded one by one, so that an export of any size holds
 * one batch. The consumer is masked (`张*`, `138****1234`)
 * unless `unmasked`. The filters are checked before the first row is read.
 */
export async function exportDisputes(
  db: Kysely<Schema>,
  principal: Principal,
  filters: Omit<DisputeFilters, 'limit' | 'cursor'>,
  now: Date,
  unmasked: boolean,
  batchSize = EXPORT_BATCH,
): Promise<AsyncIterable<RegisterEntry>> {
  const query = (await filteredDisputes(db, principal, filters, now)).clearSelect().select(registerColumns)
  async function* rows() {
    let after: string | null = null
    for (;;) {
      const batch = await (after === null ? query : query.where('id', '<', after))
        .orderBy('id', 'desc')
        .limit(batchSize)
        .execute()
      for (const row of batch) {
        const view = presentRegisterEntry(row, principal, now)
        const { name, phone } = view.consumer
        yield unmasked || name === null || phone === null
          ? view
          : { ...view, consumer: { name: maskName(name), phone: maskPhone(phone) } }
      }
      const last = batch.at(-1)
      if (batch.length < batchSize || last === undefined) return
      after = last.id
    }
  }
  return rows()
}

/**
 * Records that a regulator exported personal data in the clear: who (the entry's actor), when,
 * and with which filters, in the audit log, before the first row leaves.
 */
export async function recordPersonalDataExport(
  database: Database,
  context: WriteContext & { actor: Principal },
  filters: Record<string, unknown>,
): Promise<void> {
  const jurisdictionId = context.actor.jurisdictionId ?? ''
  await runWrite(database, context, async (tx) => {
    tx.audit({
      action: 'personal_data.exported',
      objectId: jurisdictionId,
      jurisdictionId,
      state: { resource: 'disputes', format: 'csv', filters },
    })
    return { status: 200, body: null }
  })
}
