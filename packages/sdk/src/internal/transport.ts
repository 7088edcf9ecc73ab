import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import { type Dispatcher, getGlobalDispatcher } from 'undici'
import { APIConnectionError, AuthenticationError, errorFromResponse } from '../errors.js'
import { exchange, type HttpRequest } from './http.js'
import { withRetries } from './retry.js'
import { AccessTokens, type TokenResponse } from './tokens.js'
import { sdkVersion } from './version.js'

/** Options every call accepts; each overrides the client's setting for that call alone. */
export interface RequestOptions {
  /**
   * The `Idempotency-Key` of a POST. One is generated for every POST and kept across its
   * retries; pass your own (your refund's id, say) to make a repeat after a crash of your
   * own process safe too. The gateway keeps keys for at least 24 hours.
   */
  idempotencyKey?: string
  /** Milliseconds to wait for each attempt's answer. */
  timeoutMs?: number
  /** How many times a failed attempt may be repeated (see docs/sdk.md for which failures). */
  maxRetries?: number
  /** Aborts the call, including a wait between retries; it then rejects with the signal's reason. */
  signal?: AbortSignal
  /** Extra request headers, e.g. `x-request-id` to follow a call through the gateway's logs. */
  headers?: Record<string, string>
}

export interface TransportConfig {
  baseUrl: string
  clientId: string
  clientSecret: string
  timeoutMs: number
  maxRetries: number
  dispatcher?: Dispatcher | undefined
  /** Sent with every request, under the SDK's own headers and a call's. */
  headers: Record<string, string>
}

export interface CallParts {
  query?: Record<string, unknown> | undefined
  body?: unknown
  options?: RequestOptions | undefined
}

const userAgent = `hejie-sdk-node/${sdkVersion} node/${process.version}`

/** Repeated keys for arrays (`status=assigned&status=in_progress`), as the gateway reads them. */
function queryString(query: Record<string, unknown> | undefined): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) params.append(name, String(item))
    }
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined and base64-encoded. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (part: string) => encodeURIComponent(part).replace(/%20/g, '+')
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`
}

/** Sends calls to the gateway: authorised, with an idempotency key on every POST, retried. */
export class Transport {
  readonly #origin: string
  readonly #basePath: string
  readonly #dispatcher: Dispatcher
  readonly #tokens: AccessTokens

  constructor(private readonly config: TransportConfig) {
    const base = new URL(config.baseUrl)
    this.#origin = base.origin
    // A gateway may be published under a path prefix (https://odr.example.cn/hejie).
    this.#basePath = base.pathname.replace(/\/+$/, '')
    this.#dispatcher = config.dispatcher ?? getGlobalDispatcher()
    this.#tokens = new AccessTokens(() => this.#requestToken())
  }

  async call(method: HttpRequest['method'], path: string, parts: CallParts): Promise<unknown> {
    const options = parts.options ?? {}
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': userAgent,
      ...this.config.headers,
    }
    if (parts.body !== undefined) headers['content-type'] = 'application/json'
    // Made once, before the first attempt, so that every retry of this call carries it.
    if (method === 'POST') headers['idempotency-key'] = options.idempotencyKey ?? randomUUID()
    const request: HttpRequest = {
      method,
      path: this.#basePath + path + queryString(parts.query),
      headers: { ...headers, ...options.headers },
      ...(parts.body === undefined ? {} : { body: JSON.stringify(parts.body) }),
    }
    const response = await withRetries(() => this.#authorized(request, options), {
      maxRetries: options.maxRetries ?? this.config.maxRetries,
      signal: options.signal,
    })
    return response.body
  }

  /**
   * One exchange whose body is a stream, sent or received as it flows: an upload (a stream
   * cannot be sent twice, so it is never retried) or a download (the caller reads the body).
   * Errors are the same `HejieError` subclasses as every other call's.
   */
  async stream(
    method: 'GET' | 'POST',
    path: string,
    parts: { headers?: Record<string, string>; body?: Readable; options?: RequestOptions | undefined },
  ): Promise<{ headers: Record<string, string>; body: Readable }> {
    const options = parts.options ?? {}
    const token = await this.#tokens.get()
    const headers: Record<string, string> = {
      'user-agent': userAgent,
      ...this.config.headers,
      authorization: `Bearer ${token}`,
      ...(method === 'POST' ? { 'idempotency-key': options.idempotencyKey ?? randomUUID() } : {}),
      ...parts.headers,
      ...options.headers,
    }
    const target = `${method} ${this.#origin}${this.#basePath}${path}`
    let answer: Dispatcher.ResponseData
    try {
      answer = await this.#dispatcher.request({
        origin: this.#origin,
        path: this.#basePath + path,
        method,
        headers,
        body: parts.body ?? null,
        signal: options.signal,
      })
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason
      const reason = error instanceof Error ? error.message : String(error)
      throw new APIConnectionError(`${target} failed before an answer arrived: ${reason}`, { cause: error })
    }
    const flat: Record<string, string> = {}
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
    }
    if (answer.statusCode >= 200 && answer.statusCode < 300) return { headers: flat, body: answer.body }
    const text = await answer.body.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {}
    throw errorFromResponse(answer.statusCode, flat, body)
  }

  /** One attempt with the current token; a token the gateway refuses is replaced once. */
  async #authorized(request: HttpRequest, options: RequestOptions) {
    const attempt = {
      dispatcher: this.#dispatcher,
      origin: this.#origin,
      timeoutMs: options.timeoutMs ?? this.config.timeoutMs,
      signal: options.signal,
    }
    const token = await this.#tokens.get()
    try {
      return await exchange(withToken(request, token), attempt)
    } catch (error) {
      if (!(error instanceof AuthenticationError && error.code === 'invalid_token')) throw error
      this.#tokens.invalidate(token)
      return exchange(withToken(request, await this.#tokens.get()), attempt)
    }
  }

  async #requestToken(): Promise<TokenResponse> {
    const response = await exchange(
      {
        method: 'POST',
        path: `${this.#basePath}/v1/oauth/token`,
        headers: {
          accept: 'application/json',
          'user-agent': userAgent,
          ...this.config.headers,
          authorization: basicCredentials(this.config.clientId, this.config.clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      },
      { dispatcher: this.#dispatcher, origin: this.#origin, timeoutMs: this.config.timeoutMs },
    )
    return response.body as TokenResponse
  }
}

function withToken(request: HttpRequest, token: string): HttpRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } }
}
