import type { Kysely } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import type { Schema } from '../../storage/schema.js'

/**
 * The ids of a node and of every node under it, as a subquery: what a regulator of that node
 * sees. Every regulator read of disputes, enterprises it manages, clients, events, webhook
 * endpoints and audit entries filters with it, so that a district regulator cannot reach a
 * neighbour's data through any route.
 */
export function subtreeIds(db: Kysely<Schema>, jurisdictionId: string) {
  return db
    .selectFrom('jurisdiction_closure')
    .select('descendant_id')
    .where('ancestor_id', '=', jurisdictionId)
}

/** The subtree a regulator sees. A regulator token always names its node (tokens.ts). */
export function regulatorSubtree(db: Kysely<Schema>, principal: Principal) {
  return subtreeIds(db, principal.jurisdictionId ?? '')
}

/** Whether a node is the root of the tree: the city bureau, whose subtree is everything. */
export async function isRootJurisdiction(db: Kysely<Schema>, jurisdictionId: string): Promise<boolean> {
  const node = await db
    .selectFrom('jurisdictions')
    .select('parent_id')
    .where('id', '=', jurisdictionId)
    .executeTakeFirst()
  return node !== undefined && node.parent_id === null
}
