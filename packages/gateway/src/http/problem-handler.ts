import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify'
import { asClause, type FieldError, type ProblemCode, ProblemError } from '../errors.js'
import type { RouteTable } from './route-table.js'
import { storageProblem } from './storage-problems.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** Fastify's own error codes, translated into the contract's problem codes. */
const fastifyCodes: Record<string, ProblemCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
}

const statusCodes: Partial<Record<number, ProblemCode>> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'not_ready',
}

export function sendProblem(reply: FastifyReply, error: ProblemError): FastifyReply {
  // Set here as well as in the onRequest hook: errors the router raises before any hook runs
  // (a malformed escape, an over-long parameter) come straight here.
  reply.header('x-request-id', String(reply.request.id))
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
  return reply
    .code(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(error.toBody(String(reply.request.id))))
}

function validationErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((issue) => {
    const base = issue.instancePath || ''
    const params = issue.params as { additionalProperty?: string; missingProperty?: string }
    const leaf = params.additionalProperty ?? params.missingProperty
    const path = `${error.validationContext ?? 'body'}${base}${leaf ? `/${leaf}` : ''}`
    const message =
      issue.keyword === 'additionalProperties'
        ? 'is not a known property'
        : issue.keyword === 'required'
          ? 'is required'
          : (issue.message ?? 'is not valid')
    return { path, message }
  })
}

/** Turns anything thrown into a problem; never leaks the internals of a 5xx. */
export function toProblem(error: FastifyError | ProblemError | Error): ProblemError {
  if (error instanceof ProblemError) return error
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    const errors = validationErrors(fastifyError)
    // "body/amount must be integer; querystring/limit must be <= 100."
    const detail = errors.map((e) => `${e.path} ${asClause(e.message)}`).join('; ')
    return new ProblemError('validation_failed', detail ? `${detail}.` : 'The request is not valid.', {
      errors,
    })
  }
  const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined
  if (mapped) return new ProblemError(mapped, fastifyError.message)
  const status = fastifyError.statusCode ?? 500
  const byStatus = statusCodes[status]
  if (status < 500 && byStatus) return new ProblemError(byStatus, fastifyError.message)
  const fromStorage = storageProblem(error)
  if (fromStorage) return fromStorage
  return new ProblemError('internal_error', 'Something went wrong on our side; the request id identifies it.')
}

export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const converted = toProblem(error)
    if (converted.status >= 500) request.log.error({ err: error }, 'request failed')
    return sendProblem(reply, converted)
  })
}

/**
 * Errors the router raises before a route is found, as problems. The detail does not echo the
 * URL: an over-long one would be copied back whole.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (
  error,
  _request,
  reply,
) => {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendProblem(
      reply,
      new ProblemError('uri_too_long', `A path parameter is longer than ${MAX_PARAM_LENGTH} characters.`),
    )
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendProblem(
      reply,
      new ProblemError(
        'malformed_url',
        'The URL has a malformed percent-escape, or one that does not decode to UTF-8 text.',
      ),
    )
  }
  return sendProblem(reply, toProblem(error))
}

/** The longest path parameter the router accepts; ids are at most 64 characters. */
export const MAX_PARAM_LENGTH = 100

/**
 * Unknown routes answer a 404 problem, and a known path asked with a method it does not take
 * a 405 with `Allow`. Both count against the caller's rate limit like any other request, so
 * probing for routes is throttled too.
 */
export function registerNotFoundHandler(app: FastifyInstance, routes: RouteTable): void {
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    const allowed = routes.methodsOf(path)
    if (allowed.length > 0) {
      return sendProblem(
        reply,
        new ProblemError(
          'method_not_allowed',
          `${path} does not take ${request.method}; it takes ${allowed.join(', ')}.`,
          {
            headers: { allow: allowed.join(', ') },
          },
        ),
      )
    }
    return sendProblem(reply, new ProblemError('not_found', `No route ${request.method} ${path}.`))
  })
}
