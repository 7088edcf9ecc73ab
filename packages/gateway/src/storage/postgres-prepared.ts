import type pg from 'pg'

/** Distinct statement texts given a name; past it a text runs unnamed, parsed every time. */
const capacity = 1000

const names = new Map<string, string>()
let named = 0
const prepared = new WeakSet<pg.PoolClient>()

/**
 * A pooled PostgreSQL client whose parameterized statements are prepared once per connection.
 * Kysely's driver sends every query as an unnamed statement, which the server parses, analyses
 * and plans anew each time; for the short indexed statements of a write that work costs more
 * server CPU than running them, and the server's CPU is what a write on PostgreSQL runs out of
 * first. Here a text gets a name the first time it is seen, node-postgres parses a named
 * statement once per connection, and the server keeps it until the connection closes.
 *
 * A statement prepared before a migration changed the columns it returns fails once with
 * "cached plan must not change result type"; it is then run unnamed and the text named afresh.
 */
export function preparingOnce(client: pg.PoolClient): pg.PoolClient {
  if (prepared.has(client)) return client
  prepared.add(client)
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>
  ;(client as { query: unknown }).query = async (...args: unknown[]) => {
    const [text, values] = args
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || args.length > 2)
      return query(...args)
    const name = nameFor(text)
    if (!name) return query(text, values)
    try {
      return await query({ name, text, values })
    } catch (error) {
      if ((error as { code?: string }).code !== '0A000') throw error
      names.delete(text)
      return query(text, values)
    }
  }
  return client
}

function nameFor(text: string): string | undefined {
  let name = names.get(text)
  if (!name && names.size < capacity) {
    named += 1
    name = `hejie_${named}`
    names.set(text, name)
  }
  return name
}
