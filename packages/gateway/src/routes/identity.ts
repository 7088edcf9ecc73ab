import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { problemResponse } from '../http/problem-schema.js'
import { getEnterprise } from '../services/enterprises.js'
import type { Identity } from '../services/identity/identity.js'
import { getJurisdiction } from '../services/jurisdictions/tree.js'

const Jwks = Type.Object(
  {
    keys: Type.Array(
      Type.Object(
        {
          kty: Type.String(),
          crv: Type.String(),
          x: Type.String(),
          kid: Type.String(),
          alg: Type.String(),
          use: Type.String(),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { $id: 'Jwks' },
)

/** The public keys (tokens and audit checkpoints) and the caller's own identity. */
export const identityRoutes: FastifyPluginAsyncTypebox<{ identity: Identity }> = async (
  app,
  { identity },
) => {
  app.addSchema(Jwks)

  app.get(
    '/.well-known/jwks.json',
    {
      config: { access: 'public' },
      schema: {
        tags: ['identity'],
        summary: 'Public keys of access tokens and audit checkpoints (JWKS)',
        operationId: 'getJwks',
        security: [],
        response: { 200: Type.Ref('Jwks') },
      },
    },
    async (_request, reply) => {
      // A rotated key is published for the activation delay before it signs: a cache must
      // expire well within that delay to see it in time.
      reply.header('cache-control', `public, max-age=${Math.floor(identity.keys.activationDelayMs / 2000)}`)
      return identity.keys.jwks()
    },
  )

  app.get(
    '/v1/me',
    {
      // Any valid token may ask who it is, however narrow its scopes.
      config: { access: { roles: ['regulator', 'enterprise', 'witness', 'unit'] } },
      schema: {
        tags: ['identity'],
        summary: 'Who the caller is',
        operationId: 'getMe',
        response: { 200: Type.Ref('Me'), 401: problemResponse('No valid access token') },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      return {
        object: 'me' as const,
        role: principal.role,
        client_id: principal.clientId,
        unit_id: principal.unitId ?? null,
        scopes: [...principal.scopes],
        enterprise: principal.enterpriseId
          ? await getEnterprise(app.database.db, principal, principal.enterpriseId)
          : null,
        jurisdiction:
          principal.jurisdictionId && principal.role === 'regulator'
            ? await getJurisdiction(app.database.db, principal, principal.jurisdictionId)
            : null,
      }
    },
  )
}
