import type { Hejie } from '../client.js'
import type { Operation, QueryParams, RequestBody } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type { Enterprise } from '../models.js'
import type { PagePromise } from '../pagination.js'

export type EnterpriseListParams = ListParams<QueryParams<Operation<'get', '/v1/enterprises'>>>
export type EnterpriseCreateParams = RequestBody<Operation<'post', '/v1/enterprises'>>
export type EnterpriseUpdateParams = RequestBody<Operation<'patch', '/v1/enterprises/{id}'>>

/**
 * ODR enterprises: registered in a jurisdiction and managed by its regulators (and those
 * above); every regulator reads the whole directory, since an enterprise receives complaints
 * from anywhere. An enterprise reads itself.
 */
export class Enterprises {
  constructor(private readonly client: Hejie) {}

  /**
   * Registers an enterprise in `jurisdiction_id` (the caller's own node when absent); its
   * `uscc` check digit is validated (GB 32100-2015).
   */
  create(params: EnterpriseCreateParams, options?: RequestOptions): Promise<Enterprise> {
    return this.client.post('/v1/enterprises', { body: params, options })
  }

  /** The directory; `jurisdiction_id` narrows it to those registered in that node and below. */
  list(params: EnterpriseListParams = {}, options?: RequestOptions): PagePromise<Enterprise> {
    return paginate(this.client, '/v1/enterprises', { query: params, options })
  }

  retrieve(id: string, options?: RequestOptions): Promise<Enterprise> {
    return this.client.get('/v1/enterprises/{id}', { path: { id }, options })
  }

  /**
   * Changes its details, or suspends it or exits it from the ODR programme (`odr_status`):
   * regulators of the subtree it is registered in only (404 for the others).
   */
  update(id: string, params: EnterpriseUpdateParams, options?: RequestOptions): Promise<Enterprise> {
    return this.client.patch('/v1/enterprises/{id}', { path: { id }, body: params, options })
  }
}
