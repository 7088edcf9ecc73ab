import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { problem } from '../errors.js'
import { consoleTransport } from '../http/console/transport.js'
import { cookieValue } from '../http/cookies.js'
import { problemResponse } from '../http/problem-schema.js'
import type { ConsoleSessions, ResumedSession } from '../services/console/sessions.js'
import { scopesOf } from '../services/identity/clients.js'
import type { Identity } from '../services/identity/identity.js'

/** The sign-in cookie: sent only to the console's own paths, never to `/v1`. */
export const SESSION_COOKIE = 'hejie_console'
const COOKIE_PATH = '/console'
export const CSRF_HEADER = 'x-csrf-token'

const SignIn = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 200 }),
    client_secret: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
)

export const ConsoleSession = Type.Object(
  {
    object: Type.Literal('console_session'),
    csrf_token: Type.String({
      description: `Send it as \`${CSRF_HEADER}\` with every other console request; only a page of this origin can read it.`,
    }),
    expires_at: Type.String({ format: 'date-time', description: 'The absolute end of the session.' }),
    idle_expires_at: Type.String({
      format: 'date-time',
      description: 'When the session ends unless used: each token fetched moves it forward.',
    }),
    idle_timeout_seconds: Type.Integer(),
    principal: Type.Object({
      role: Type.String(),
      client_id: Type.String(),
      enterprise_id: Type.Union([Type.String(), Type.Null()]),
      jurisdiction_id: Type.Union([Type.String(), Type.Null()]),
      unit_id: Type.Union([Type.String(), Type.Null()]),
    }),
  },
  { $id: 'ConsoleSession' },
)

const sessionProblems = {
  401: problemResponse(
    '`console_session_required` (no sign-in cookie, or an unknown one) or `console_session_expired` (8 h after sign-in, 30 min unused, or the client revoked)',
  ),
  403: problemResponse(
    '`csrf_failed`: the `x-csrf-token` header is missing or wrong; or `https_required`: plain HTTP at an address other than the machine itself',
  ),
}

/**
 * The web console's sign-in (API.md "Console"; docs/console.md). A client's credentials are
 * exchanged once for an HttpOnly, SameSite=Strict cookie scoped to `/console`; the page then
 * fetches short-lived access tokens with it, keeps them in memory and calls `/v1` with Bearer
 * like any client. `/v1` never reads the cookie, so a page of another site that makes the
 * browser send it reaches nothing but these endpoints, which also want the CSRF header.
 */
export const consoleSessionRoutes: FastifyPluginAsyncTypebox<{
  sessions: ConsoleSessions
  identity: Identity
  signInRateLimit: number
}> = async (app, { sessions, identity, signInRateLimit }) => {
  app.addSchema(ConsoleSession)

  function requireTransport(request: FastifyRequest): { secure: boolean } {
    const transport = consoleTransport(request)
    if (!transport.allowed)
      throw problem('https_required', {
        en: 'The console is served over HTTPS only, except on the machine itself.',
        zh: '控制台只能通过 HTTPS 访问（在本机访问时除外）。',
      })
    return transport
  }

  function setCookie(reply: FastifyReply, value: string, maxAgeSeconds: number, secure: boolean): void {
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
    )
  }

  /** The session of the request's cookie, its CSRF header checked when the request changes something. */
  async function sessionOf(request: FastifyRequest, options: { touch: boolean; csrf: boolean }) {
    requireTransport(request)
    const session: ResumedSession = await sessions.resume(
      cookieValue(request.headers.cookie, SESSION_COOKIE),
      {
        touch: options.touch,
      },
    )
    if (options.csrf)
      sessions.checkCsrf(session.secretHash, request.headers[CSRF_HEADER] as string | undefined)
    return session
  }

  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')

  app.post(
    '/console/session',
    {
      config: {
        access: 'public',
        // Like the token endpoint's: secrets cannot be guessed at speed from one address.
        rateLimit: {
          max: signInRateLimit * 5,
          timeWindow: 60_000,
          keyGenerator: (request) => `console-sign-in:${request.ip}`,
        },
      },
      schema: {
        tags: ['console'],
        summary: 'Sign in to the web console with a client’s credentials',
        description:
          'Sets the HttpOnly, SameSite=Strict session cookie (path `/console`; Secure over HTTPS) and answers the session with its CSRF token. Wrong, unknown or revoked credentials: 401 `invalid_client`.',
        operationId: 'createConsoleSession',
        security: [],
        body: SignIn,
        response: {
          201: Type.Ref('ConsoleSession'),
          401: problemResponse('`invalid_client`: unknown client, wrong secret, or a revoked client'),
          403: problemResponse('`https_required`: plain HTTP at an address other than the machine itself'),
        },
      },
    },
    async (request, reply) => {
      const { secure } = requireTransport(request)
      const signedIn = await sessions.signIn(request.body.client_id, request.body.client_secret)
      if (!signedIn)
        throw problem('invalid_client', {
          en: 'Unknown client, wrong secret, or a revoked client.',
          zh: '客户端不存在、密钥错误或客户端已被吊销。',
        })
      setCookie(reply, signedIn.secret, sessions.lifetimeSeconds, secure)
      request.log.info({ client_id: signedIn.session.client.id }, 'console sign-in')
      return noStore(reply).code(201).send(signedIn.session.view)
    },
  )

  app.get(
    '/console/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['console'],
        summary: 'The console session of this browser',
        description:
          'For a page that was reloaded: its CSRF token and who is signed in. Counts as a use of the session.',
        operationId: 'getConsoleSession',
        security: [],
        response: { 200: Type.Ref('ConsoleSession'), ...sessionProblems },
      },
    },
    async (request, reply) => {
      const session = await sessionOf(request, { touch: true, csrf: false })
      return noStore(reply).send(session.view)
    },
  )

  app.post(
    '/console/session/token',
    {
      config: { access: 'public' },
      schema: {
        tags: ['console'],
        summary: 'A fresh access token for the signed-in client',
        description:
          'Needs the session cookie and the `x-csrf-token` header. The page keeps the token in memory and sends it to `/v1` as Bearer. Counts as a use of the session.',
        operationId: 'createConsoleToken',
        security: [],
        response: { 200: Type.Ref('TokenResponse'), ...sessionProblems },
      },
    },
    async (request, reply) => {
      const { client } = await sessionOf(request, { touch: true, csrf: true })
      const token = await identity.tokens.issue(
        client,
        scopesOf({ role: client.role, scopes: client.scopes }),
      )
      return noStore(reply).send(token)
    },
  )

  app.delete(
    '/console/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['console'],
        summary: 'Sign out of the console',
        description:
          'Needs the session cookie and the `x-csrf-token` header; ends the session and clears the cookie.',
        operationId: 'deleteConsoleSession',
        security: [],
        response: { 204: { description: 'Signed out', type: 'null' }, ...sessionProblems },
      },
    },
    async (request, reply) => {
      const { secretHash } = await sessionOf(request, { touch: false, csrf: true })
      await sessions.end(secretHash)
      setCookie(reply, '', 0, consoleTransport(request).secure)
      return reply.code(204).send(null)
    },
  )
}
