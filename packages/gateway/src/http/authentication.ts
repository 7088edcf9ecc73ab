import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Principal, Role, Scope } from '../domain/principal.js'
import { ProblemError, problem } from '../errors.js'
import type { Tokens } from '../services/identity/tokens.js'

/**
 * Who may call a route: `public` (no token), or a token of one of `roles` carrying `scope`.
 * Every `/v1` route must declare one; the app refuses to start otherwise, so a route cannot
 * be published unprotected by omission.
 */
export type AccessRule = 'public' | { roles: readonly Role[]; scope?: Scope }

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

// The scheme name is case-insensitive (RFC 7235 §2.1).
const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/i

export const authenticationPlugin = fp(
  async (app: FastifyInstance, options: { tokens: Tokens }) => {
    app.decorateRequest('principal', null)
    // Who the rate limiter counts this request against, before anything is verified: the
    // client of a token already verified here, else (rate-limit.ts) the source address.
    app.addHook('onRequest', (request, _reply, done) => {
      const token = BEARER.exec(request.headers.authorization ?? '')?.[1]
      const clientId = token ? options.tokens.verifiedClientOf(token) : null
      if (clientId) request.rateLimitSubject = `client:${clientId}`
      done()
    })
    // Authentication is a hook of each protected route, added after the rate limiter's (whose
    // plugin is registered first), so that the limiter counts the request before its token is
    // verified: app-wide hooks would run before every route's own.
    app.addHook('onRoute', (route) => {
      const access = route.config?.access
      if (route.url.startsWith('/v1') && !access) {
        throw new Error(`route ${route.method} ${route.url} declares no access rule`)
      }
      if (!access || access === 'public') return
      const own = route.onRequest
      route.onRequest = [...(own === undefined ? [] : Array.isArray(own) ? own : [own]), authorize]
    })
    async function authorize(request: FastifyRequest): Promise<void> {
      const access = request.routeOptions.config.access
      if (!access || access === 'public') return
      const principal = await authenticate(request, options.tokens)
      request.principal = principal
      if (!access.roles.includes(principal.role)) {
        throw problem('forbidden', {
          en: `This operation is for ${access.roles.join(' or ')} clients.`,
          zh: `此操作仅限 ${access.roles.join(' 或 ')} 客户端调用。`,
        })
      }
      if (access.scope && !principal.scopes.has(access.scope)) {
        throw problem(
          'forbidden',
          {
            en: `The access token lacks the scope ${access.scope}.`,
            zh: `访问令牌缺少权限范围 ${access.scope}。`,
          },
          {
            headers: {
              'www-authenticate': `Bearer realm="hejie", error="insufficient_scope", scope="${access.scope}"`,
            },
          },
        )
      }
    }
  },
  { name: 'hejie-authentication', fastify: '5.x' },
)

async function authenticate(request: FastifyRequest, tokens: Tokens): Promise<Principal> {
  const header = request.headers.authorization
  if (!header) {
    throw problem(
      'unauthenticated',
      {
        en: 'Send an access token: Authorization: Bearer <token>.',
        zh: '请发送访问令牌：Authorization: Bearer <token>。',
      },
      {
        headers: { 'www-authenticate': 'Bearer realm="hejie"' },
      },
    )
  }
  const match = BEARER.exec(header)
  if (!match?.[1]) {
    throw problem(
      'invalid_token',
      {
        en: 'The Authorization header must be "Bearer" followed by an access token.',
        zh: 'Authorization 请求头应为 "Bearer" 加访问令牌。',
      },
      {
        headers: { 'www-authenticate': 'Bearer realm="hejie", error="invalid_token"' },
      },
    )
  }
  try {
    return await tokens.verify(match[1])
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error
    throw problem(
      error.code,
      { en: error.detail.en, zh: error.detail.zh },
      {
        headers: { 'www-authenticate': 'Bearer realm="hejie", error="invalid_token"' },
      },
    )
  }
}

/** The caller of an authenticated route (the access rule guarantees there is one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`route ${request.routeOptions.url} is public but needs a principal`)
  return request.principal
}
