import formBody from '@fastify/formbody'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { isScope, type Scope } from '../domain/principal.js'
import { unstorableTextReason } from '../domain/storable-text.js'
import { problem } from '../errors.js'
import { storageProblem } from '../http/storage-problems.js'
import { StringEnum } from '../schemas/common.js'
import { authenticateClient, scopesOf } from '../services/identity/clients.js'
import type { Identity } from '../services/identity/identity.js'

/** RFC 6749 §5.2 error codes this endpoint answers with. */
type OAuthError =
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'temporarily_unavailable'

class OAuthProblem extends Error {
  constructor(
    readonly error: OAuthError,
    description: string,
    readonly status = 400,
  ) {
    super(description)
  }
}

const OAuthErrorBody = Type.Object(
  {
    error: StringEnum([
      'invalid_request',
      'invalid_client',
      'unsupported_grant_type',
      'invalid_scope',
      'temporarily_unavailable',
    ] as const),
    error_description: Type.String(),
  },
  { $id: 'OAuthError' },
)

const TokenRequest = Type.Object(
  {
    grant_type: Type.Literal('client_credentials'),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String({ description: 'Space-separated subset of the client’s scopes.' })),
  },
  { additionalProperties: true },
)

/**
 * A body the server cannot read is a malformed request (RFC 6749 §5.2 `invalid_request`),
 * answered in the OAuth shape that client libraries parse; the status still says why.
 */
const unreadableBodies: Record<string, { status: number; description: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, description: 'The body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    description: 'The body is empty but its content type says JSON.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    description: 'The content-length does not match the body.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    description: 'Send the token request as application/x-www-form-urlencoded or application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, description: 'The body is larger than 1 MiB.' },
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new OAuthProblem('invalid_request', `${name} must be a string.`)
  return value
}

/** HTTP Basic (RFC 6749 §2.3.1: both parts form-urlencoded) or `client_id` + `client_secret` in the body. */
function credentialsOf(
  request: FastifyRequest,
  body: Record<string, unknown>,
): { clientId: string; secret: string } {
  const header = request.headers.authorization
  const inBody = { clientId: field(body, 'client_id'), secret: field(body, 'client_secret') }
  if (header && /^basic /i.test(header)) {
    if (inBody.secret !== undefined) {
      throw new OAuthProblem('invalid_request', 'Authenticate with HTTP Basic or with the body, not both.')
    }
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    let credentials: { clientId: string; secret: string }
    try {
      if (colon < 0) throw new URIError('no colon')
      credentials = {
        clientId: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      }
    } catch {
      throw new OAuthProblem('invalid_client', 'The Basic credentials are malformed.', 401)
    }
    // The body's fields pass the request validator's storable-text rule; these come from a header.
    const reason = unstorableTextReason(credentials.clientId) ?? unstorableTextReason(credentials.secret)
    if (reason) throw new OAuthProblem('invalid_request', `The Basic credentials: one ${reason}.`)
    return credentials
  }
  if (!inBody.clientId || !inBody.secret) {
    throw new OAuthProblem(
      'invalid_client',
      'Send client credentials with HTTP Basic or as client_id and client_secret.',
      401,
    )
  }
  return { clientId: inBody.clientId, secret: inBody.secret }
}

function requestedScopes(body: Record<string, unknown>, granted: readonly Scope[]): readonly Scope[] {
  const scope = field(body, 'scope')
  if (scope === undefined || scope.trim() === '') return granted
  const requested = scope.trim().split(/\s+/)
  const refused = requested.filter((name) => !isScope(name) || !granted.includes(name))
  if (refused.length > 0)
    throw new OAuthProblem('invalid_scope', `Scopes not granted to this client: ${refused.join(', ')}.`)
  return requested as Scope[]
}

function clientIdForRateLimit(request: FastifyRequest): string {
  try {
    return `token-client:${credentialsOf(request, (request.body ?? {}) as Record<string, unknown>).clientId}`
  } catch {
    return `token-address:${request.ip}`
  }
}

/**
 * `POST /v1/oauth/token`: OAuth 2.0 client credentials (RFC 6749 §4.4). Errors follow
 * RFC 6749 §5.2 rather than problem+json, as OAuth client libraries expect. Attempts are
 * limited per source address and per client id, so secrets cannot be guessed at speed.
 */
export const oauthRoutes: FastifyPluginAsyncTypebox<{ identity: Identity; tokenRateLimit: number }> = async (
  app,
  { identity, tokenRateLimit },
) => {
  await app.register(formBody)
  app.addSchema(OAuthErrorBody)

  const sendOAuthError = (reply: FastifyReply, problem: OAuthProblem) => {
    if (problem.error === 'invalid_client') reply.header('www-authenticate', 'Basic realm="hejie"')
    return reply
      .code(problem.status)
      .header('cache-control', 'no-store')
      .send({ error: problem.error, error_description: problem.message })
  }
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OAuthProblem) return sendOAuthError(reply, error)
    // The database out of reach (or full): RFC 6749's shape, with the problem's retry-after.
    const fromStorage = storageProblem(error)
    if (fromStorage) {
      request.log.error({ err: error }, 'token request failed: database unavailable')
      for (const [name, value] of Object.entries(fromStorage.headers)) reply.header(name, value)
      return sendOAuthError(reply, new OAuthProblem('temporarily_unavailable', fromStorage.message, 503))
    }
    const unreadable = error.code ? unreadableBodies[error.code] : undefined
    if (unreadable)
      return sendOAuthError(
        reply,
        new OAuthProblem('invalid_request', unreadable.description, unreadable.status),
      )
    if ((error as { validation?: unknown }).validation) {
      const unsupported =
        /grant_type/.test(error.message) &&
        (request.body as { grant_type?: unknown })?.grant_type !== undefined
      return sendOAuthError(
        reply,
        unsupported
          ? new OAuthProblem('unsupported_grant_type', 'Only grant_type=client_credentials is supported.')
          : new OAuthProblem('invalid_request', error.message),
      )
    }
    throw error
  })

  // A second budget, per client id, beside the per-address one: guessing one client's secret
  // from many addresses is throttled as well as guessing many clients' from one address.
  const perClientLimit = app.createRateLimit({
    max: tokenRateLimit,
    timeWindow: 60_000,
    keyGenerator: clientIdForRateLimit,
  })

  app.post(
    '/v1/oauth/token',
    {
      config: {
        access: 'public',
        rateLimit: {
          max: tokenRateLimit * 5,
          timeWindow: 60_000,
          keyGenerator: (request) => `token-address:${request.ip}`,
        },
      },
      preHandler: async (request, reply) => {
        const attempts = await perClientLimit(request)
        if (!attempts.isAllowed && attempts.isExceeded) {
          reply.header('retry-after', String(attempts.ttlInSeconds))
          throw problem('rate_limited', {
            en: `Too many token requests for this client; retry in ${attempts.ttlInSeconds} s.`,
            zh: `该客户端申请令牌过于频繁；请 ${attempts.ttlInSeconds} 秒后重试。`,
          })
        }
      },
      schema: {
        tags: ['identity'],
        summary: 'Get an access token (OAuth 2.0 client credentials)',
        operationId: 'createToken',
        security: [],
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: TokenRequest,
        response: {
          200: Type.Ref('TokenResponse'),
          400: {
            description: 'RFC 6749 §5.2 error',
            content: { 'application/json': { schema: Type.Ref('OAuthError') } },
          },
          401: {
            description: 'Unknown client or wrong secret',
            content: { 'application/json': { schema: Type.Ref('OAuthError') } },
          },
          503: {
            description: 'The database is out of reach: `temporarily_unavailable`, with `retry-after`',
            content: { 'application/json': { schema: Type.Ref('OAuthError') } },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown>
      const { clientId, secret } = credentialsOf(request, body)
      const client = await authenticateClient(app.database.db, clientId, secret)
      if (!client)
        throw new OAuthProblem('invalid_client', 'Unknown client, wrong secret, or a revoked client.', 401)
      const scopes = requestedScopes(body, scopesOf(client))
      const token = await identity.tokens.issue(
        {
          id: client.id,
          role: client.role,
          enterpriseId: client.enterprise_id,
          jurisdictionId: client.jurisdiction_id,
          unitId: client.unit_id,
          unitKind: client.unit_kind,
        },
        scopes,
      )
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
      return token
    },
  )
}
