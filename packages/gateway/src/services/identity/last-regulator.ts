import type { Transaction } from 'kysely'
import type { DialectName } from '../../storage/dialect.js'
import type { ApiClientTable, Schema } from '../../storage/schema.js'

/**
 * The active regulator clients that would remain if `client` were revoked. Revoking the last
 * one would lock every regulator out of the API (only the operator's command line could
 * create a new one), so the API refuses it.
 *
 * On PostgreSQL the rows are locked, so that two regulators revoking each other at the same
 * instant cannot both see the other as the one that remains: the second waits, re-reads, and
 * finds none. SQLite has one writer already.
 *
 * The set is every active regulator client today; the one place to narrow it (say, to those
 * of the root jurisdiction) is here.
 */
export async function remainingRegulatorClients(
  db: Transaction<Schema>,
  dialect: DialectName,
  client: Pick<ApiClientTable, 'id' | 'role'>,
): Promise<string[]> {
  let query = db
    .selectFrom('api_clients')
    .select('id')
    .where('role', '=', 'regulator')
    .where('revoked_at', 'is', null)
  if (dialect === 'postgres') query = query.forUpdate()
  const active = await query.execute()
  return active.map((row) => row.id).filter((id) => id !== client.id)
}
