import { CompiledQuery, type DatabaseConnection, type Driver, type Transaction } from 'kysely'
import pg from 'pg'
import type { Schema } from './schema.js'

/** The queries `callAndCommit` sends: each ends its transaction. */
const commitsInline = new WeakSet<CompiledQuery>()

/**
 * Calls a function of one `jsonb` argument and commits the transaction, in one round trip:
 * `select f('…'::jsonb); commit`, sent as one simple query. Between the last statement of a
 * transaction and its commit, the server waits for the client; when the transaction holds a
 * lock every other writer waits for, that wait is theirs too, and from a busy gateway it lasts
 * an event-loop turn. Sent together, the server commits as soon as the call returns.
 *
 * The transaction is over when this resolves: nothing may run in it afterwards, and Kysely's
 * own commit is skipped (`withInlineCommits`). If the call fails, nothing was committed and the
 * transaction rolls back as usual.
 */
export async function callAndCommit(trx: Transaction<Schema>, fn: string, argument: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(fn)) throw new Error(`not a function name: ${fn}`)
  const query = CompiledQuery.raw(`select ${fn}(${pg.escapeLiteral(argument)}::jsonb);\ncommit`)
  commitsInline.add(query)
  await trx.executeQuery(query)
}

/**
 * The PostgreSQL driver, taught that a transaction may have committed inline: a connection
 * whose last statement was `callAndCommit`'s skips the COMMIT Kysely sends after it.
 */
export function withInlineCommits(driver: Driver): Driver {
  const committed = new WeakSet<DatabaseConnection>()
  const watched = new WeakSet<DatabaseConnection>()
  const acquire = driver.acquireConnection.bind(driver)
  const commit = driver.commitTransaction.bind(driver)
  driver.acquireConnection = async () => {
    const connection = await acquire()
    if (!watched.has(connection)) {
      watched.add(connection)
      const execute = connection.executeQuery.bind(connection)
      connection.executeQuery = async <R>(query: CompiledQuery) => {
        const result = await execute<R>(query)
        if (commitsInline.has(query)) committed.add(connection)
        return result
      }
    }
    return connection
  }
  driver.commitTransaction = async (connection) => {
    if (committed.delete(connection)) return
    await commit(connection)
  }
  return driver
}
