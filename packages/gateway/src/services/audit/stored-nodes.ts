import type { Subtree, SubtreeHashes } from '@hejie/merkle'
import type { Kysely } from 'kysely'
import { compiled, type StatementTarget } from '../../storage/compiled-statement.js'
import type { Schema } from '../../storage/schema.js'

/**
 * Complete-subtree hashes read from the database, remembered for the life of this object:
 * a node of a complete subtree never changes, so one export or proof batch reads it once,
 * and the nodes of one proof are read together.
 */
export function storedNodes(target: StatementTarget, { cacheLimit = 100_000 } = {}): SubtreeHashes {
  const cache = new Map<string, Uint8Array>()
  const keyOf = (level: number, position: number) => `${level}:${position}`
  const remember = (key: string, hash: Uint8Array) => {
    if (cache.size >= cacheLimit) cache.clear()
    cache.set(key, hash)
  }

  /** Reads the subtrees not cached yet in one query (a proof needs about log2(n) of them). */
  const getMany = async (subtrees: readonly Subtree[]): Promise<Uint8Array[]> => {
    // Taken from the cache first: remembering what the query reads may clear it.
    const found = new Map<string, Uint8Array>()
    const missing: Subtree[] = []
    for (const subtree of subtrees) {
      const key = keyOf(subtree.level, subtree.position)
      const cached = cache.get(key)
      if (cached) found.set(key, cached)
      else missing.push(subtree)
    }
    if (missing.length > 0) {
      const { rows } = await readNodes.execute(target, missing)
      for (const row of rows) {
        const key = keyOf(row.level, Number(row.position))
        const hash = new Uint8Array(row.hash)
        found.set(key, hash)
        remember(key, hash)
      }
    }
    return subtrees.map(({ level, position }) => {
      const hash = found.get(keyOf(level, position))
      if (!hash) throw new Error(`audit log node ${keyOf(level, position)} is missing`)
      return hash
    })
  }

  return {
    getMany,
    async get(level, position) {
      const [hash] = await getMany([{ level, position }])
      return hash as Uint8Array
    },
  }
}

/**
 * The subtrees asked for, in one statement compiled once per count of them: a proof reads
 * about log2(n) nodes, and building that query anew cost more than running it.
 */
const readNodes = compiled<Subtree>()((db, p, rows) =>
  db
    .selectFrom('audit_nodes')
    .select(['level', 'position', 'hash'])
    .where((eb) =>
      eb.or(
        Array.from({ length: rows }, (_, row) =>
          eb.and([eb('level', '=', p('level', row)), eb('position', '=', p('position', row))]),
        ),
      ),
    ),
)

export async function treeSize(db: Kysely<Schema>): Promise<number> {
  const row = await db
    .selectFrom('audit_entries')
    .select((eb) => eb.fn.max('leaf_index').as('last'))
    .executeTakeFirst()
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1
}
