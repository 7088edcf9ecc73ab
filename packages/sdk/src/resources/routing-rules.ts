import type { Hejie } from '../client.js'
import type { Operation, QueryParams, RequestBody } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type { RoutingRule } from '../models.js'
import type { PagePromise } from '../pagination.js'

export type RoutingRuleListParams = ListParams<QueryParams<Operation<'get', '/v1/routing-rules'>>>
export type RoutingRuleCreateParams = RequestBody<Operation<'post', '/v1/routing-rules'>>
export type RoutingRuleUpdateParams = RequestBody<Operation<'patch', '/v1/routing-rules/{id}'>>

/**
 * The dispatcher's rules: a complaint whose conditions all match goes to the rule's unit.
 * Rules of the complaint's jurisdiction are tried first, then its parent's, up to the root;
 * within one jurisdiction by `priority` (lower first), then by id.
 */
export class RoutingRules {
  constructor(private readonly client: Hejie) {}

  create(params: RoutingRuleCreateParams, options?: RequestOptions): Promise<RoutingRule> {
    return this.client.post('/v1/routing-rules', { body: params, options })
  }

  list(params: RoutingRuleListParams = {}, options?: RequestOptions): PagePromise<RoutingRule> {
    return paginate(this.client, '/v1/routing-rules', { query: params, options })
  }

  retrieve(id: string, options?: RequestOptions): Promise<RoutingRule> {
    return this.client.get('/v1/routing-rules/{id}', { path: { id }, options })
  }

  /** Changes its priority, enables or disables it, replaces its conditions or its target. */
  update(id: string, params: RoutingRuleUpdateParams, options?: RequestOptions): Promise<RoutingRule> {
    return this.client.patch('/v1/routing-rules/{id}', { path: { id }, body: params, options })
  }

  delete(
    id: string,
    options?: RequestOptions,
  ): Promise<{ id: string; object: 'routing_rule'; deleted: true }> {
    return this.client.delete('/v1/routing-rules/{id}', { path: { id }, options })
  }
}
