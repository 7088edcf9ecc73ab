import type { FastifyInstance, RouteOptions } from 'fastify'
import { Type } from 'typebox'
import { problemResponse } from './problem-schema.js'

type Responses = Record<string, unknown>

/** The token endpoint answers in the RFC 6749 shape, problems aside (429, 503). */
const TOKEN_URL = '/v1/oauth/token'
const oauthResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: Type.Ref('OAuthError') } },
})

/**
 * The contract declares every status a route can answer, each with its body's schema. Most
 * errors come from mechanisms every route goes through (validation, authentication, the
 * router, the body parser, rate limiting, idempotency, the database), not from the route's own
 * code, so they are declared here once, from what the route is: whether it has path
 * parameters, takes a body, needs a token, is rate limited, accepts `Idempotency-Key`.
 * A status the route documents itself keeps its own description (idempotency's codes are
 * added to it). Hidden routes (the spec itself, the Swagger UI) are left alone.
 */
export function declareMechanismResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs') || route.schema?.hide) return
    route.schema = route.schema ?? {}
    const responses = { ...((route.schema.response as Responses | undefined) ?? {}) }
    for (const [status, { merge, ...response }] of Object.entries(mechanismResponses(route))) {
      const own = responses[status] as { description?: string } | undefined
      if (own === undefined) responses[status] = response
      else if (merge && own.description && !own.description.includes(merge)) {
        responses[status] = { ...own, description: `${own.description}; or ${merge}` }
      }
    }
    route.schema.response = responses
  })
}

function mechanismResponses(route: RouteOptions): Record<string, { merge?: string; description: string }> {
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase())
  const takesBody = methods.some((method) => !['GET', 'HEAD'].includes(method))
  const hasPathParameters = route.url.includes(':')
  const access = (route.config as { access?: unknown } | undefined)?.access
  const needsToken = access !== undefined && access !== 'public'
  const rateLimited = (route.config as { rateLimit?: unknown } | undefined)?.rateLimit !== false
  const headers = route.schema?.headers as { properties?: Record<string, unknown> } | undefined
  const idempotent = headers?.properties?.['idempotency-key'] !== undefined
  const usesDatabase = !['/healthz', '/metrics'].includes(route.url)
  const token = route.url === TOKEN_URL

  const declared: Record<string, { merge?: string; description: string }> = {}
  declared['400'] = problemResponse(
    'The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor`',
  )
  if (needsToken) {
    declared['401'] = problemResponse('No valid access token (`unauthenticated`, `invalid_token`)')
    declared['403'] = problemResponse('The caller’s role or scopes do not allow this (`forbidden`)')
  }
  if (hasPathParameters)
    declared['404'] = problemResponse('No such object visible to the caller (`not_found`)')
  declared['405'] = problemResponse(
    'The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes',
  )
  if (idempotent) {
    declared['409'] = {
      ...problemResponse(
        'A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`)',
      ),
      merge: '`idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running)',
    }
  }
  if (takesBody) {
    declared['413'] = token
      ? oauthResponse('The body is larger than 1 MiB (`invalid_request`)')
      : problemResponse('The body is larger than 1 MiB (`payload_too_large`)')
    declared['415'] = token
      ? oauthResponse('The body is neither form-encoded nor JSON (`invalid_request`)')
      : problemResponse('The body is not JSON (`unsupported_media_type`)')
  }
  if (hasPathParameters) declared['414'] = problemResponse('A path parameter is too long (`uri_too_long`)')
  if (idempotent) {
    declared['422'] = {
      ...problemResponse(
        'The `Idempotency-Key` was used with a different request (`idempotency_key_reused`)',
      ),
      merge: '`idempotency_key_reused` (the `Idempotency-Key` was used with a different request)',
    }
  }
  if (rateLimited) declared['429'] = problemResponse('Too many requests (`rate_limited`); see `retry-after`')
  if (usesDatabase)
    declared['503'] = problemResponse(
      'The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after`',
    )
  return declared
}
