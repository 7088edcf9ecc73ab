import type { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import type { HttpMethod, Operation, PathsFor, RequestParts, ResponseBody } from './internal/openapi-types.js'
import { type RequestOptions, Transport } from './internal/transport.js'
import type { Me } from './models.js'
import { Audit } from './resources/audit.js'
import { Clients } from './resources/clients.js'
import { Dispatch } from './resources/dispatch.js'
import { Disputes } from './resources/disputes.js'
import { Enterprises } from './resources/enterprises.js'
import { Events } from './resources/events.js'
import { Files } from './resources/files.js'
import { HandlingUnits } from './resources/handling-units.js'
import { Jurisdictions } from './resources/jurisdictions.js'
import { RiskSignals } from './resources/risk-signals.js'
import { RoutingRules } from './resources/routing-rules.js'
import { Sandbox } from './resources/sandbox.js'
import { Stats } from './resources/stats.js'
import { WebhookEndpoints } from './resources/webhook-endpoints.js'
import { webhooks } from './webhooks/verify.js'

export interface HejieOptions {
  /** Where the gateway is, e.g. `https://odr.example.gov.cn` (a path prefix is kept). */
  baseUrl: string
  /** The API client's credentials, from the regulator (`POST /v1/enterprises/{id}/clients`). */
  clientId: string
  clientSecret: string
  /** Milliseconds to wait for each attempt's answer; default 30 000. */
  timeoutMs?: number
  /** How many times a failed attempt may be repeated; default 2. */
  maxRetries?: number
  /**
   * The undici dispatcher to send through: an `Agent` with your own pool or TLS settings, a
   * `ProxyAgent`, or one composed with interceptors. Default: undici's global dispatcher.
   */
  dispatcher?: Dispatcher
  /**
   * Headers sent with every request, the token request included: `Accept-Language: zh-CN` to
   * have the gateway's problems in Chinese, say. A call's own `headers` win over these, and
   * these never replace the SDK's `authorization`, `idempotency-key` or `content-type`.
   */
  headers?: Record<string, string>
}

/** What a call to `M path` takes besides the path: its `path`, `query` and `body`, and options. */
export type CallInit<M extends HttpMethod, P extends PathsFor<M>> = RequestParts<Operation<M, P>> & {
  options?: RequestOptions
}
type CallArgs<M extends HttpMethod, P extends PathsFor<M>> =
  Partial<CallInit<M, P>> extends CallInit<M, P> ? [init?: CallInit<M, P>] : [init: CallInit<M, P>]
type CallResult<M extends HttpMethod, P extends PathsFor<M>> = Promise<ResponseBody<Operation<M, P>>>

/**
 * The Hejie API client. It gets its own access tokens with the client credentials and
 * renews them before they expire; calls are retried on failures that a repeat can cure.
 *
 * ```ts
 * const hejie = new Hejie({ baseUrl, clientId, clientSecret })
 * for await (const dispute of hejie.disputes.list({ status: ['assigned'] })) { … }
 * ```
 */
export class Hejie {
  readonly disputes = new Disputes(this)
  readonly files = new Files(this)
  readonly enterprises = new Enterprises(this)
  readonly clients = new Clients(this)
  readonly jurisdictions = new Jurisdictions(this)
  readonly handlingUnits = new HandlingUnits(this)
  readonly routingRules = new RoutingRules(this)
  readonly dispatch = new Dispatch(this)
  readonly events = new Events(this)
  readonly audit = new Audit(this)
  readonly webhookEndpoints = new WebhookEndpoints(this)
  readonly stats = new Stats(this)
  readonly riskSignals = new RiskSignals(this)
  /** Only against a gateway started with `--sandbox`: its movable clock. */
  readonly sandbox = new Sandbox(this)
  /** Verifies webhook deliveries; needs no credentials (also exported on its own). */
  readonly webhooks = webhooks

  readonly #transport: Transport

  constructor(options: HejieOptions) {
    this.#transport = new Transport({
      baseUrl: options.baseUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      dispatcher: options.dispatcher,
      headers: options.headers ?? {},
    })
  }

  /**
   * Who this client is: its role, scopes and, for an enterprise client, its enterprise; for a
   * regulator, its jurisdiction (the node whose subtree it sees).
   */
  me(options?: RequestOptions): Promise<Me> {
    return this.get('/v1/me', { options })
  }

  /**
   * Calls any operation of the API by its path in the spec, typed by the generated `paths`:
   * the resource methods are built on these, and they reach an endpoint the SDK has no
   * method for yet. `path` holds the `{placeholders}` of the path.
   */
  get<P extends PathsFor<'get'>>(path: P, ...[init]: CallArgs<'get', P>): CallResult<'get', P> {
    return this.#call('GET', path, init)
  }

  post<P extends PathsFor<'post'>>(path: P, ...[init]: CallArgs<'post', P>): CallResult<'post', P> {
    return this.#call('POST', path, init)
  }

  patch<P extends PathsFor<'patch'>>(path: P, ...[init]: CallArgs<'patch', P>): CallResult<'patch', P> {
    return this.#call('PATCH', path, init)
  }

  delete<P extends PathsFor<'delete'>>(path: P, ...[init]: CallArgs<'delete', P>): CallResult<'delete', P> {
    return this.#call('DELETE', path, init)
  }

  /** @internal A call whose body streams (file upload and download), for `files`. */
  stream(
    method: 'GET' | 'POST',
    path: string,
    parts: { headers?: Record<string, string>; body?: Readable; options?: RequestOptions | undefined },
  ) {
    return this.#transport.stream(method, path, parts)
  }

  async #call<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    template: string,
    init: { path?: Record<string, string>; query?: object; body?: unknown; options?: RequestOptions } = {},
  ): Promise<T> {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(init.path?.[name] ?? ''),
    )
    return (await this.#transport.call(method, path, {
      query: init.query as Record<string, unknown> | undefined,
      body: init.body,
      options: init.options,
    })) as T
  }
}
