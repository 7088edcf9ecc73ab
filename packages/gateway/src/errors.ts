/**
 * The registry of problem codes. Every error the API returns is one of these: a stable
 * snake_case code, its HTTP status and a human title. Codes are part of the public contract
 * (integrators branch on them), so a code is never renamed or reused; `docs/errors.md`
 * has one row per entry and a test keeps the two in step.
 */
export const problemTypes = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  malformed_url: { status: 400, title: 'The request URL is not valid' },
  invalid_cursor: { status: 400, title: 'The pagination cursor is not valid' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  invalid_token: { status: 401, title: 'The access token is not valid' },
  invalid_client: { status: 401, title: 'Unknown client, wrong secret, or a revoked client' },
  console_session_required: { status: 401, title: 'Sign in to the console first' },
  console_session_expired: { status: 401, title: 'The console session has ended' },
  csrf_failed: { status: 403, title: 'The request did not come from the console page' },
  https_required: { status: 403, title: 'The console is only served over HTTPS' },
  forbidden: { status: 403, title: 'The caller may not do this' },
  not_found: { status: 404, title: 'The resource does not exist' },
  file_content_erased: { status: 410, title: 'The file’s content was erased; its hash is kept' },
  method_not_allowed: { status: 405, title: 'The method is not allowed on this resource' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  invalid_transition: { status: 409, title: 'The action is not allowed in the current state' },
  idempotency_key_in_use: { status: 409, title: 'A request with this idempotency key is still running' },
  no_settlement: { status: 409, title: 'The dispute has no settlement for the consumer to confirm' },
  consumer_already_answered: { status: 409, title: 'The consumer has already answered about the settlement' },
  last_regulator_client: { status: 409, title: 'The last active regulator client cannot be revoked' },
  precondition_failed: { status: 412, title: 'The resource has changed since it was read' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  file_too_large: { status: 413, title: 'The file is larger than the limit' },
  uri_too_long: { status: 414, title: 'A path parameter of the request URL is too long' },
  unsupported_media_type: { status: 415, title: 'The request content type is not supported' },
  unsupported_file_type: { status: 415, title: 'The file’s content is not an accepted type' },
  unprocessable: { status: 422, title: 'The request cannot be carried out' },
  idempotency_key_reused: {
    status: 422,
    title: 'The idempotency key was already used with a different request',
  },
  refund_exceeds_settlement: { status: 422, title: 'The refunds would exceed the settled amount' },
  enterprise_not_active: { status: 422, title: 'The enterprise does not take new disputes' },
  unit_not_active: { status: 422, title: 'The handling unit does not take disputes' },
  no_dispatch_target: { status: 422, title: 'The dispatcher found no one to route the complaint to' },
  invalid_evidence: { status: 422, title: 'The evidence names a file the request may not cite' },
  time_in_future: { status: 422, title: 'The time lies in the future' },
  time_before_assignment: {
    status: 422,
    title: 'The time lies before the dispute was assigned to its enterprise',
  },
  webhook_url_not_allowed: { status: 422, title: 'The webhook URL is not an allowed target' },
  cosignature_invalid: { status: 422, title: 'The cosignature does not verify' },
  cosignature_stale: { status: 409, title: 'The cosignature is not newer than the witness’s last' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal server error' },
  database_unavailable: { status: 503, title: 'The database is not reachable' },
  storage_full: { status: 503, title: 'The database has no space left' },
  not_ready: { status: 503, title: 'The service is not ready' },
} as const satisfies Record<string, { status: number; title: string }>

export type ProblemCode = keyof typeof problemTypes

export interface FieldError {
  path: string
  message: string
}

/** The RFC 9457 body every error response carries. */
export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  code: ProblemCode
  request_id: string
  errors?: FieldError[]
  [extension: string]: unknown
}

export function problemTypeUri(code: ProblemCode): string {
  return `urn:hejie:problem:${code}`
}

/**
 * An error that carries its problem code. Services and routes throw it; the error handler
 * turns it into `application/problem+json`. `extensions` adds members to the body
 * (for example `current_status` and `allowed_actions` on `invalid_transition`).
 */
export class ProblemError extends Error {
  readonly code: ProblemCode
  readonly status: number
  readonly errors: FieldError[] | undefined
  readonly extensions: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor(
    code: ProblemCode,
    detail: string,
    options: {
      errors?: FieldError[]
      extensions?: Record<string, unknown>
      headers?: Record<string, string>
    } = {},
  ) {
    super(detail)
    this.name = 'ProblemError'
    this.code = code
    this.status = problemTypes[code].status
    this.errors = options.errors
    this.extensions = options.extensions ?? {}
    this.headers = options.headers ?? {}
  }

  toBody(requestId: string): ProblemBody {
    return {
      type: problemTypeUri(this.code),
      title: problemTypes[this.code].title,
      status: this.status,
      detail: this.message,
      code: this.code,
      request_id: requestId,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    }
  }
}

/**
 * A message from elsewhere (a parser, a library) as a clause inside a detail: without its
 * final period, so that the detail ends with exactly one.
 */
export function asClause(message: string): string {
  return message.trim().replace(/[.。]+$/, '')
}

export function problem(
  code: ProblemCode,
  detail: string,
  options?: ConstructorParameters<typeof ProblemError>[2],
): ProblemError {
  return new ProblemError(code, detail, options)
}
