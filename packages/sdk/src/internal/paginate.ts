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

/**
 * The parameters of a `list()` method: the operation's query with `limit` optional (the
 * gateway defaults it; the spec marks it required) and a `cursor` to resume from.
 */
export type ListParams<Query> = Omit<Query, 'limit' | 'cursor'> & { limit?: number; cursor?: string }

/**
 * A `PagePromise` over the list at `path`: its first page starts at `query.cursor` (usually
 * none), each later page after the cursor of the one before.
 */
export function paginate<P extends ListPath>(
  client: Hejie,
  path: P,
  init: {
    path?: PathParams<Operation<'get', P>>
    query: ListParams<QueryParams<Operation<'get', P>>>
    options?: RequestOptions | undefined
  },
): PagePromise<ItemOf<P>> {
  // `get` cannot resolve the parts of a path that is only known to be a list path.
  const get = client.get as (path: P, init: object) => Promise<ListBody<ItemOf<P>>>
  const fetchPage = async (cursor: string | undefined): Promise<Page<ItemOf<P>>> =>
    new Page(await get.call(client, path, { ...init, query: { ...init.query, cursor } }), fetchPage)
  return new PagePromise(() => fetchPage(init.query.cursor))
}
