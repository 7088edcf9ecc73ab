import type { Kysely } from 'kysely'
import { referenceKey } from '../../domain/references.js'

/**
 * Refund references are unique per enterprise by their normalised key (`referenceKey`):
 * "TXN 2026-001", "txn2026-001" and the same with full-width digits or a zero-width space
 * are one payment. The reference stays stored as it was sent; the key is kept beside it.
 *
 * Refunds recorded before this migration whose references share a key keep their rows: the
 * earliest gets the key, each later one the key followed by a space and its id, which no
 * normalised reference can equal (keys hold no white space). New refunds cannot add to them.
 */
export const refundReferenceKeys = {
  async up(db: Kysely<unknown>): Promise<void> {
    const schema = db as Kysely<{
      refunds: {
        id: string
        enterprise_id: string
        reference: string
        reference_key: string
        created_at: string
      }
    }>
    await schema.schema
      .alterTable('refunds')
      .addColumn('reference_key', 'text', (c) => c.notNull().defaultTo(''))
      .execute()
    const rows = await schema
      .selectFrom('refunds')
      .select(['id', 'enterprise_id', 'reference'])
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    const taken = new Set<string>()
    for (const row of rows) {
      const key = referenceKey(row.reference)
      const unique = taken.has(`${row.enterprise_id}\n${key}`) ? `${key} ${row.id}` : key
      taken.add(`${row.enterprise_id}\n${key}`)
      await schema.updateTable('refunds').set({ reference_key: unique }).where('id', '=', row.id).execute()
    }
    await schema.schema
      .createIndex('refunds_reference_key_per_enterprise')
      .unique()
      .on('refunds')
      .columns(['enterprise_id', 'reference_key'])
      .execute()
  },
}
