import type { Hejie } from '../client.js'
import { type ListBody, Page, PagePromise } from '../pagination.js'
import type { Operation, PathParams, PathsFor, QueryParams, ResponseBody } from './openapi-types.js'
import type { RequestOptions } from './transport.js'

/** The GET paths that answer with a list. */
export type ListPath = {
  [P in PathsFor<'get'>]: ResponseBody<Operation<'get', P>> extends ListBody<unknown> ? P : never
}[PathsFor<'get'>]

type ItemOf<P extends ListPath> =
  ResponseBody<Operation<'get', P>> extends ListBody<infer Item> ? Item : never
type ListQuery<P extends ListPath> = QueryParams<Operation<'get', P>>

/** The parameters of a `list()` method: the operation's query, `limit` always optional. */
export type ListParams<Query> = Omit<Query, 'limit'> & { limit?: number }

/**
 * A `PagePromise` over the list at `path`: the first page for `init.query`, each later one
 * for the same query moved past the `next_cursor` of the page before, by `resume`: most
 * lists take it as `cursor`, the event feed as `after`, the audit log as the `start` index.
 */
export function paginate<P extends ListPath>(
  client: Hejie,
  path: P,
  init: {
    path?: PathParams<Operation<'get', P>>
    query: ListParams<ListQuery<P>>
    options?: RequestOptions | undefined
  },
  resume: (cursor: string) => object = (cursor) => ({ cursor }),
): PagePromise<ItemOf<P>> {
  // `get` cannot resolve the parts of a path that is only known to be a list path.
  const get = client.get as (path: P, init: object) => Promise<ListBody<ItemOf<P>>>
  const fetchPage = async (query: object): Promise<Page<ItemOf<P>>> =>
    new Page(await get.call(client, path, { ...init, query }), (cursor) =>
      fetchPage({ ...init.query, ...resume(cursor) }),
    )
  return new PagePromise(() => fetchPage(init.query))
}
