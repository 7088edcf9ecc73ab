import type { Hejie } from '../client.js'
import type { Operation, QueryParams, RequestBody } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type { ApiClient, ApiClientWithSecret } from '../models.js'
import type { PagePromise } from '../pagination.js'

/** An enterprise client: it acts for the enterprise, wherever that is registered. */
export type ClientCreateParams = RequestBody<Operation<'post', '/v1/enterprises/{id}/clients'>>
/**
 * A regulator client: `jurisdiction_id` is the node whose subtree it sees, the caller's own
 * when absent, always within the caller's subtree.
 */
export type RegulatorClientCreateParams = RequestBody<Operation<'post', '/v1/clients'>>
export type ClientListParams = ListParams<QueryParams<Operation<'get', '/v1/clients'>>>
export type EnterpriseClientListParams = ListParams<
  QueryParams<Operation<'get', '/v1/enterprises/{id}/clients'>>
>

/**
 * API clients (regulator only): the credentials of an enterprise's systems or of a
 * regulator's. A secret is in the answer of its creation only; store it then. A regulator
 * manages the clients of its subtree: its regulators' and those of the enterprises
 * registered in it.
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

  /**
   * A regulator client, e.g. for another system of the intake centre, or for a district
   * bureau or a station (`jurisdiction_id`): it sees that node's subtree only.
   */
  createForRegulator(
    params: RegulatorClientCreateParams,
    options?: RequestOptions,
  ): Promise<ApiClientWithSecret> {
    return this.client.post('/v1/clients', { body: params, options })
  }

  /** The clients of the caller's jurisdiction and below, of any role (`role` narrows it). */
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
