import type { Kysely } from 'kysely'
import type { SubtreeHashes } from '../../domain/audit/merkle-tree.js'
import type { Schema } from '../../storage/schema.js'

/**
 * Complete-subtree hashes read from the database, remembered for the life of this object:
 * a node of a complete subtree never changes, so one export or proof batch reads it once.
 */
export function storedNodes(db: Kysely<Schema>): SubtreeHashes {
  const cache = new Map<string, Uint8Array>()
  return {
    async get(level, position) {
      const key = `${level}:${position}`
      const cached = cache.get(key)
      if (cached) return cached
      const row = await db
        .selectFrom('audit_nodes')
        .select('hash')
        .where('level', '=', level)
        .where('position', '=', position)
        .executeTakeFirst()
      if (!row) throw new Error(`audit log node ${key} is missing`)
      const hash = new Uint8Array(row.hash)
      if (cache.size > 100_000) cache.clear()
      cache.set(key, hash)
      return hash
    },
  }
}

export async function treeSize(db: Kysely<Schema>): Promise<number> {
  const row = await db
    .selectFrom('audit_entries')
    .select((eb) => eb.fn.max('leaf_index').as('last'))
    .executeTakeFirst()
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1
}
