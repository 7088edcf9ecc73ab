import type { Kysely } from 'kysely'
import { holderOf, type Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { Schema } from '../../storage/schema.js'
import { regulatorSubtree } from '../tenancy/subtree.js'

export interface FeedQuery {
  after?: string | undefined
  types?: string[] | undefined
  limit: number
}

/**
 * The caller's events in commit order. Sequences are allocated under the append lock that
 * is held until commit, so once an event is visible every smaller sequence is too: paging
 * with `after` never skips an event that commits late. A regulator reads the events of its
 * jurisdiction's subtree; an enterprise or a handling unit, its own.
 */
export async function readFeed(db: Kysely<Schema>, principal: Principal, query: FeedQuery) {
  let select = db.selectFrom('events').select(['sequence', 'id', 'data'])
  select =
    principal.role !== 'regulator'
      ? select.where('enterprise_id', '=', holderOf(principal) ?? '')
      : select.where('jurisdiction_id', 'in', regulatorSubtree(db, principal))
  if (query.after) {
    const anchor = await db
      .selectFrom('events')
      .select('sequence')
      .where('id', '=', query.after)
      .executeTakeFirst()
    if (!anchor)
      throw problem('invalid_cursor', {
        en: `No event ${query.after}: pass the id of an event you received.`,
        zh: `事件 ${query.after} 不存在：请传入您已收到的某个事件的 id。`,
      })
    select = select.where('sequence', '>', anchor.sequence)
  }
  const types = query.types?.flatMap((value) => value.split(',')).filter(Boolean)
  if (types?.length) select = select.where('type', 'in', types)
  const rows = await select
    .orderBy('sequence', 'asc')
    .limit(query.limit + 1)
    .execute()
  const shown = rows.slice(0, query.limit)
  return {
    /** Each event's JSON exactly as stored: the bytes its webhook deliveries carry. */
    events: shown.map((row) => row.data),
    has_more: rows.length > query.limit,
    next_cursor: shown.at(-1)?.id ?? query.after ?? null,
  }
}

/**
 * The feed's page as JSON, each event in it byte for byte as stored and delivered: a
 * consumer that verifies or forwards an event gets from the feed exactly what a webhook
 * would have brought (re-encoding through the response schema would reorder its members).
 */
export function feedPageJson(page: Awaited<ReturnType<typeof readFeed>>): string {
  return `{"object":"list","data":[${page.events.join(',')}],"has_more":${page.has_more},"next_cursor":${JSON.stringify(page.next_cursor)}}`
}
