import type { Subtree, SubtreeHashes } from '@hejie/merkle'
import type { Kysely } from 'kysely'
import { compiled, type StatementTarget } from '../../storage/compiled-statement.js'
import type { Schema } from '../../storage/schema.js'

/**
 * Complete-subtree hashes read from the database, the nodes of one proof read together. The
 * last two positions read at each level are remembered for the life of this object: a node of
 * a complete subtree never changes, and proofs of consecutive leaves (an export walks the log
 * in order) share the siblings above the lowest levels, a node at level k serving 2^k leaves.
 * Keeping only those, rather than every node read, holds the memory of a million-entry export
 * to a few dozen hashes: remembered nodes that outlived V8's young generation piled up in
 * its old space, and the export's resident memory climbed with them.
 */
export function storedNodes(target: StatementTarget): SubtreeHashes {
  const recent = new RecentPerLevel()

  const getMany = async (subtrees: readonly Subtree[]): Promise<Uint8Array[]> => {
    const hashes = subtrees.map(({ level, position }) => recent.get(level, position))
    const missing = subtrees.filter((_, index) => hashes[index] === undefined)
    if (missing.length > 0) {
      const { rows } = await readNodes.execute(target, missing)
      const read = new Map(
        rows.map((row) => [keyOf(row.level, Number(row.position)), new Uint8Array(row.hash)]),
      )
      subtrees.forEach(({ level, position }, index) => {
        if (hashes[index] !== undefined) return
        const hash = read.get(keyOf(level, position))
        if (!hash) throw new Error(`audit log node ${keyOf(level, position)} is missing`)
        hashes[index] = hash
        recent.remember(level, position, hash)
      })
    }
    return hashes as Uint8Array[]
  }

  return {
    getMany,
    async get(level, position) {
      const [hash] = await getMany([{ level, position }])
      return hash as Uint8Array
    },
  }
}

const keyOf = (level: number, position: number) => `${level}:${position}`

/** The two positions read last at each level of the tree, with their hashes. */
class RecentPerLevel {
  readonly #slots: { position: number; hash: Uint8Array }[][] = []

  get(level: number, position: number): Uint8Array | undefined {
    const slots = this.#slots[level]
    if (!slots) return undefined
    for (const slot of slots) if (slot.position === position) return slot.hash
    return undefined
  }

  remember(level: number, position: number, hash: Uint8Array): void {
    const [latest] = this.#slots[level] ?? []
    this.#slots[level] = latest ? [{ position, hash }, latest] : [{ position, hash }]
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
