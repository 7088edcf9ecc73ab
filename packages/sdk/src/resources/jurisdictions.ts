import type { Hejie } from '../client.js'
import type { Operation, QueryParams, RequestBody } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type { Jurisdiction } from '../models.js'
import type { PagePromise } from '../pagination.js'

export type JurisdictionListParams = ListParams<QueryParams<Operation<'get', '/v1/jurisdictions'>>>
export type JurisdictionCreateParams = RequestBody<Operation<'post', '/v1/jurisdictions'>>
export type JurisdictionUpdateParams = RequestBody<Operation<'patch', '/v1/jurisdictions/{id}'>>

/**
 * The tree of regulators (市局 → 区局 → 所), regulators only: each reads and manages the
 * subtree below its own node, and sees nothing of the rest (404, as if it did not exist).
 */
export class Jurisdictions {
  constructor(private readonly client: Hejie) {}

  /**
   * The caller's subtree, parents first (by depth below the caller's node, then in order of
   * creation); `level` narrows it. `await` for a page, `for await` for all.
   */
  list(params: JurisdictionListParams = {}, options?: RequestOptions): PagePromise<Jurisdiction> {
    return paginate(this.client, '/v1/jurisdictions', { query: params, options })
  }

  retrieve(id: string, options?: RequestOptions): Promise<Jurisdiction> {
    return this.client.get('/v1/jurisdictions/{id}', { path: { id }, options })
  }

  /**
   * Adds a district or a station under `parent_id` (the caller's own node when absent), at a
   * lower level than its parent. A code already taken fails with `ConflictError`.
   */
  create(params: JurisdictionCreateParams, options?: RequestOptions): Promise<Jurisdiction> {
    return this.client.post('/v1/jurisdictions', { body: params, options })
  }

  /**
   * Renames, recodes or re-levels a node below the caller's own (the root by its own
   * regulators). A node never moves: there is no `parent_id` to change.
   */
  update(id: string, params: JurisdictionUpdateParams, options?: RequestOptions): Promise<Jurisdiction> {
    return this.client.patch('/v1/jurisdictions/{id}', { path: { id }, body: params, options })
  }
}
