import type { components } from './generated/openapi.js'

/** The RFC 9457 body of every API error. */
export type Problem = components['schemas']['Problem']
/** The RFC 6749 §5.2 body of a refused token request. */
export type OAuthErrorBody = components['schemas']['OAuthError']

/**
 * A stable identifier to branch on: a problem code (`invalid_transition`,
 * `refund_exceeds_settlement`, …, listed in docs/errors.md) or, from the token endpoint, an
 * OAuth error (`invalid_client`). Open-ended, so that a code added by a newer gateway is
 * still a string rather than a type error.
 */
export type ErrorCode = Problem['code'] | OAuthErrorBody['error'] | (string & {})

const errorKinds = Symbol.for('@hejie/sdk.error-kinds')
type Branded = { [errorKinds]?: unknown }

/**
 * Everything a failed call throws. API answers come as a subclass per status (catch
 * `NotFoundError`, or test `error.code`); failures to get an answer at all are
 * `APIConnectionError` and its `APITimeoutError`.
 */
export class HejieError extends Error {
  /**
   * `instanceof` that also recognises errors thrown by another copy of the SDK (two versions
   * installed side by side, or its built and its source form in one process), whose classes
   * are different objects: each error carries the names of its classes under a registry-wide
   * symbol, and every class checks for its own name there.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class `instanceof` asks about: HejieError or one of its subclasses.
    // biome-ignore lint/complexity/noThisInStatic: the subclass being tested, not HejieError
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true
    const kinds = typeof value === 'object' && value !== null ? (value as Branded)[errorKinds] : undefined
    // biome-ignore lint/complexity/noThisInStatic: the subclass being tested, not HejieError
    return Array.isArray(kinds) && kinds.includes(this.name)
  }

  /** The HTTP status, or `undefined` when no response arrived. */
  readonly status: number | undefined
  readonly code: ErrorCode | undefined
  /** `x-request-id` of the failed request: quote it when asking the operator about a failure. */
  readonly requestId: string | undefined
  readonly headers: Record<string, string>
  /** The response body: a `Problem` (or an `OAuthErrorBody` from the token endpoint) when the API sent one. */
  readonly body: Problem | OAuthErrorBody | unknown

  constructor(
    message: string,
    details: {
      status?: number
      code?: ErrorCode
      requestId?: string
      headers?: Record<string, string>
      body?: unknown
      cause?: unknown
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = new.target.name
    const kinds: string[] = []
    for (let kind: unknown = new.target; kind && kind !== Error; kind = Object.getPrototypeOf(kind)) {
      kinds.push((kind as { name: string }).name)
    }
    Object.defineProperty(this, errorKinds, { value: kinds })
    this.status = details.status
    this.code = details.code
    this.requestId = details.requestId
    this.headers = details.headers ?? {}
    this.body = details.body
  }

  /** The problem body, when the API answered with one. */
  get problem(): Problem | undefined {
    return isProblem(this.body) ? this.body : undefined
  }
}

/** 400: the request is malformed or fails validation; `problem.errors` names each field. */
export class BadRequestError extends HejieError {}
/** 401: no valid access token, or the client's credentials were refused (`invalid_client`). */
export class AuthenticationError extends HejieError {}
/** 403: the client's role or scopes do not allow the operation. */
export class PermissionDeniedError extends HejieError {}
/** 404: no such object visible to this client (another tenant's objects are 404 too). */
export class NotFoundError extends HejieError {}
/** 409: not allowed in the object's current state (`invalid_transition`), or a duplicate. */
export class ConflictError extends HejieError {}
/** 412: `If-Match` named a version the dispute has moved past; read it again and decide anew. */
export class PreconditionFailedError extends HejieError {}
/** 422: understood but refused, e.g. `refund_exceeds_settlement` or `idempotency_key_reused`. */
export class UnprocessableEntityError extends HejieError {}
/** 429: the client's request budget is spent; `headers['retry-after']` says for how long. */
export class RateLimitError extends HejieError {}
/** 5xx: the gateway failed; the request id identifies it in the operator's logs. */
export class InternalServerError extends HejieError {}

/** No response: the connection could not be made or broke before the answer arrived. */
export class APIConnectionError extends HejieError {}
/** No response within the configured timeout (`timeoutMs`). */
export class APITimeoutError extends APIConnectionError {}

const byStatus: Record<number, typeof HejieError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  412: PreconditionFailedError,
  422: UnprocessableEntityError,
  429: RateLimitError,
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'code' in body && 'detail' in body
}

function isOAuthError(body: unknown): body is OAuthErrorBody {
  return typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string'
}

/** The error for an answer with a non-2xx status. */
export function errorFromResponse(
  status: number,
  headers: Record<string, string>,
  body: unknown,
): HejieError {
  const ErrorClass = byStatus[status] ?? (status >= 500 ? InternalServerError : HejieError)
  const requestId = headers['x-request-id'] ?? (isProblem(body) ? body.request_id : undefined)
  const details = { status, headers, body, ...(requestId ? { requestId } : {}) }
  if (isProblem(body))
    return new ErrorClass(`${status} ${body.code}: ${body.detail}`, { ...details, code: body.code })
  if (isOAuthError(body)) {
    return new ErrorClass(`${status} ${body.error}: ${body.error_description}`, {
      ...details,
      code: body.error,
    })
  }
  return new ErrorClass(`${status}: the gateway answered without a problem body`, details)
}
