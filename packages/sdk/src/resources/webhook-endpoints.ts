import type { Hejie } from '../client.js'
import type { Operation, QueryParams, RequestBody } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookRecovery,
} from '../models.js'
import type { PagePromise } from '../pagination.js'

export type WebhookEndpointCreateParams = RequestBody<Operation<'post', '/v1/webhook-endpoints'>>
export type WebhookEndpointListParams = ListParams<QueryParams<Operation<'get', '/v1/webhook-endpoints'>>>
export type WebhookEndpointUpdateParams = RequestBody<Operation<'patch', '/v1/webhook-endpoints/{id}'>>
export type WebhookDeliveryListParams = ListParams<
  QueryParams<Operation<'get', '/v1/webhook-endpoints/{id}/deliveries'>>
>
export type WebhookEndpointRecoverParams = RequestBody<
  Operation<'post', '/v1/webhook-endpoints/{id}/recover'>
>

/**
 * Webhook endpoints: the URLs the gateway pushes events to, signed with each endpoint's
 * `whsec_…` secret, and the log of their deliveries. An enterprise client manages its
 * enterprise's endpoints; a regulator client the regulator endpoints, which receive every
 * event. The secret is in the answer of `create` and `rotateSecret` only: store it then.
 * Verify deliveries with `webhooks.verify`.
 */
export class WebhookEndpoints {
  constructor(private readonly client: Hejie) {}

  /**
   * Subscribes `url` (https, a public address) to `event_types` (`['*']` for every type).
   * Resolves with the endpoint and its `secret`, shown this once.
   */
  create(params: WebhookEndpointCreateParams, options?: RequestOptions): Promise<WebhookEndpointWithSecret> {
    return this.client.post('/v1/webhook-endpoints', { body: params, options })
  }

  /** The caller's endpoints, newest first, without their secrets; `for await` for all. */
  list(params: WebhookEndpointListParams = {}, options?: RequestOptions): PagePromise<WebhookEndpoint> {
    return paginate(this.client, '/v1/webhook-endpoints', { query: params, options })
  }

  retrieve(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.get('/v1/webhook-endpoints/{id}', { path: { id }, options })
  }

  /**
   * Changes the URL, the event types or the description, or disables the endpoint
   * (`status: 'disabled'`): its deliveries then wait, and enabling it sends them.
   */
  update(
    id: string,
    params: WebhookEndpointUpdateParams,
    options?: RequestOptions,
  ): Promise<WebhookEndpoint> {
    return this.client.patch('/v1/webhook-endpoints/{id}', { path: { id }, body: params, options })
  }

  /** Deletes the endpoint with its delivery log: nothing more is sent to it. Resolves with it as it was. */
  del(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.delete('/v1/webhook-endpoints/{id}', { path: { id }, options })
  }

  /**
   * A new signing secret, in the answer this once. For 24 hours (`previous_secret_expires_at`)
   * deliveries carry a signature by each, so receivers can move to the new one at their pace.
   */
  rotateSecret(id: string, options?: RequestOptions): Promise<WebhookEndpointWithSecret> {
    return this.client.post('/v1/webhook-endpoints/{id}/rotate-secret', { path: { id }, options })
  }

  /** Queues a `ping` event to this endpoint only; its delivery shows in `deliveries`. */
  test(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.post('/v1/webhook-endpoints/{id}/test', { path: { id }, options })
  }

  /** The endpoint's deliveries, newest first, each with every attempt; `status` narrows them. */
  deliveries(
    id: string,
    params: WebhookDeliveryListParams = {},
    options?: RequestOptions,
  ): PagePromise<WebhookDelivery> {
    return paginate(this.client, '/v1/webhook-endpoints/{id}/deliveries', {
      path: { id },
      query: params,
      options,
    })
  }

  /** Attempts the delivery `deliveryId` (`whd_…`) again now, whatever its status. */
  retryDelivery(deliveryId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return this.client.post('/v1/webhook-deliveries/{id}/retry', { path: { id: deliveryId }, options })
  }

  /**
   * After an outage of the receiver: queues again every failed delivery of the endpoint
   * created since `since`, and says how many.
   */
  recover(
    id: string,
    params: WebhookEndpointRecoverParams,
    options?: RequestOptions,
  ): Promise<WebhookRecovery> {
    return this.client.post('/v1/webhook-endpoints/{id}/recover', { path: { id }, body: params, options })
  }
}
