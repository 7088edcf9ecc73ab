import type { Hejie } from '../client.js'
import type { Operation, QueryParams, RequestBody } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type { HandlingUnit } from '../models.js'
import type { PagePromise } from '../pagination.js'

export type HandlingUnitListParams = ListParams<QueryParams<Operation<'get', '/v1/handling-units'>>>
export type HandlingUnitCreateParams = RequestBody<Operation<'post', '/v1/handling-units'>>
export type HandlingUnitUpdateParams = RequestBody<Operation<'patch', '/v1/handling-units/{id}'>>

/**
 * The bureau's own handling units (接诉即办): the centre that dispatches by hand, divisions,
 * stations and task forces. Regulators manage those of their subtree; a unit's clients
 * (`hejie.clients.createRegulator({ name, unit_id })`) work the disputes it holds.
 */
export class HandlingUnits {
  constructor(private readonly client: Hejie) {}

  /** Creates a unit in `jurisdiction_id` (the caller's own node when absent); `kind` is fixed. */
  create(params: HandlingUnitCreateParams, options?: RequestOptions): Promise<HandlingUnit> {
    return this.client.post('/v1/handling-units', { body: params, options })
  }

  list(params: HandlingUnitListParams = {}, options?: RequestOptions): PagePromise<HandlingUnit> {
    return paginate(this.client, '/v1/handling-units', { query: params, options })
  }

  retrieve(id: string, options?: RequestOptions): Promise<HandlingUnit> {
    return this.client.get('/v1/handling-units/{id}', { path: { id }, options })
  }

  /** Renames it, or makes it inactive (it then receives no disputes) or active again. */
  update(id: string, params: HandlingUnitUpdateParams, options?: RequestOptions): Promise<HandlingUnit> {
    return this.client.patch('/v1/handling-units/{id}', { path: { id }, body: params, options })
  }
}
