import type { PhoneKeyer } from '../../domain/phone-key.js'
import type { Database } from '../../storage/database.js'

const BATCH = 500

/**
 * Keys the phones that have no key yet: disputes from before migration 0015, and those
 * that intake stored without a keyer (the demo data). Only the id and the phone of a batch
 * are read at a time. An erased dispute is never keyed again: the update re-checks that
 * the phone is still there, so an erasure committed meanwhile wins.
 */
export async function keyUnkeyedPhones(database: Database, keyer: PhoneKeyer): Promise<number> {
  let keyed = 0
  let after = ''
  for (;;) {
    const batch = await database.db
      .selectFrom('disputes')
      .select(['id', 'consumer_phone'])
      .where('consumer_phone_key', 'is', null)
      .where('consumer_phone', 'is not', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute()
    for (const row of batch) {
      const key = keyer.keyOf(row.consumer_phone)
      if (key === null) continue
      const updated = await database.db
        .updateTable('disputes')
        .set({ consumer_phone_key: key })
        .where('id', '=', row.id)
        .where('consumer_phone', '=', row.consumer_phone)
        .where('consumer_phone_key', 'is', null)
        .executeTakeFirst()
      keyed += Number(updated.numUpdatedRows)
    }
    const last = batch.at(-1)
    if (batch.length < BATCH || last === undefined) return keyed
    after = last.id
  }
}
