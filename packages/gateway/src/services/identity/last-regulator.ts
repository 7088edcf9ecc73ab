import type { Transaction } from 'kysely'
import type { DialectName } from '../../storage/dialect.js'
import type { ApiClientTable, Schema } from '../../storage/schema.js'

/**
 * The active regulator clients of the root jurisdiction that would remain if `client`, one of
 * them, were revoked. The root's regulators are the only ones who can reach the whole tree:
 * revoking the last would leave the city locked out of its districts' data, with only the
 * operator's command line to make a new one, so the API refuses it. A district's or a
 * station's last regulator can go: the regulators above it still manage that subtree.
 *
 * On PostgreSQL the rows are locked, so that two regulators revoking each other at the same
 * instant cannot both see the other as the one that remains: the second waits, re-reads, and
 * finds none. SQLite has one writer already.
 */
export async function remainingRegulatorClients(
  db: Transaction<Schema>,
  dialect: DialectName,
  client: Pick<ApiClientTable, 'id' | 'role' | 'jurisdiction_id'>,
): Promise<string[]> {
  let query = db
    .selectFrom('api_clients')
    .select('id')
    .where('role', '=', 'regulator')
    .where('revoked_at', 'is', null)
    .where('jurisdiction_id', '=', client.jurisdiction_id)
  if (dialect === 'postgres') query = query.forUpdate()
  const active = await query.execute()
  return active.map((row) => row.id).filter((id) => id !== client.id)
}
