import type { Hejie } from '../client.js'
import type { Operation, QueryParams, RequestBody } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type { ApiClient, ApiClientWithSecret } from '../models.js'
import type { PagePromise } from '../pagination.js'

export type ClientCreateParams = RequestBody<Operation<'post', '/v1/clients'>>
export type ClientListParams = ListParams<QueryParams<Operation<'get', '/v1/clients'>>>
export type EnterpriseClientListParams = ListParams<
  QueryParams<Operation<'get', '/v1/enterprises/{id}/clients'>>
>

/**
 * API clients (regulator only): the credentials of an enterprise's systems or of a
 * regulator's. A secret is in the answer of its creation only; store it then.
 */
export class Clients {
  constructor(private readonly client: Hejie) {}

  /** A client that acts for the enterprise `enterpriseId`. */
  createForEnterprise(
    enterpriseId: string,
    params: ClientCreateParams,
    options?: RequestOptions,
  ): Promise<ApiClientWithSecret> {
    return this.client.post('/v1/enterprises/{id}/clients', {
      path: { id: enterpriseId },
      body: params,
      options,
    })
  }

  /** A regulator client, e.g. for another system of the intake centre. */
  createForRegulator(params: ClientCreateParams, options?: RequestOptions): Promise<ApiClientWithSecret> {
    return this.client.post('/v1/clients', { body: params, options })
  }

  /** Every client, of either role (`role` narrows it). */
  list(params: ClientListParams = {}, options?: RequestOptions): PagePromise<ApiClient> {
    return paginate(this.client, '/v1/clients', { query: params, options })
  }

  listForEnterprise(
    enterpriseId: string,
    params: EnterpriseClientListParams = {},
    options?: RequestOptions,
  ): PagePromise<ApiClient> {
    return paginate(this.client, '/v1/enterprises/{id}/clients', {
      path: { id: enterpriseId },
      query: params,
      options,
    })
  }

  /** Revokes a client: its tokens stop working within seconds, on every gateway instance. */
  revoke(id: string, options?: RequestOptions): Promise<ApiClient> {
    return this.client.delete('/v1/clients/{id}', { path: { id }, options })
  }
}
