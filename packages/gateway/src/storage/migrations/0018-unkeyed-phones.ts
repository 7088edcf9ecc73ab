import { type Kysely, sql } from 'kysely'

/**
 * The disputes whose consumer's phone has no key yet, as a partial index: the risk-signals
 * job looks for them on every run (services/risk-signals/phone-keys.ts), and without it that
 * search reads the whole table to find, nearly always, nothing: half a second at a million
 * disputes. The index holds only the rows still to key, so it is empty most of the time and
 * costs a write nothing once a row is keyed.
 */
export const unkeyedPhones = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('disputes_unkeyed_phones')
      .on('disputes')
      .column('id')
      .where(sql.ref('consumer_phone_key'), 'is', null)
      .where(sql.ref('consumer_phone'), 'is not', null)
      .execute()
  },
}
