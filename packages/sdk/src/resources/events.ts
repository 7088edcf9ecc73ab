import type { Hejie } from '../client.js'
import type { Operation, QueryParams } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type { PagePromise } from '../pagination.js'
import type { EventType, HejieEvent } from '../webhooks/events.js'

export type EventListParams = Omit<ListParams<QueryParams<Operation<'get', '/v1/events'>>>, 'types'> & {
  /** Only events of these types. */
  types?: EventType[]
}

/**
 * The event feed: the events webhooks deliver, pulled instead, in commit order. A feed
 * reader stores the `id` of the last event it has handled and passes it as `after` when it
 * starts again; it then misses none and sees none twice.
 */
export class Events {
  constructor(private readonly client: Hejie) {}

  /**
   * The caller's events after `after` (from the first, without it), ascending by `sequence`.
   * `for await` reads until the feed is caught up; a page's `next_cursor` is the id to resume
   * after, even on the last page.
   */
  list(params: EventListParams = {}, options?: RequestOptions): PagePromise<HejieEvent> {
    const events = paginate(this.client, '/v1/events', { query: params, options }, (after) => ({ after }))
    // The spec types `data.object` loosely; the contract pairs each type with its object.
    return events as PagePromise<HejieEvent>
  }
}
