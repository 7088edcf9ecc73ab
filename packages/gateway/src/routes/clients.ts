import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problem } from '../errors.js'
import { principalOf } from '../http/authentication.js'
import { PageQuery } from '../http/pagination.js'
import { problemResponse } from '../http/problem-schema.js'
import { sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import { IdParams, StringEnum } from '../schemas/common.js'
import { ApiClientCreate, RegulatorClientCreate } from '../schemas/identity.js'
import { findManagedEnterprise } from '../services/enterprises.js'
import { createClient, listClients, revokeClient } from '../services/identity/clients.js'
import type { Identity } from '../services/identity/identity.js'

const manageClients = { roles: ['regulator'], scope: 'clients:write' } as const
const errors = {
  400: problemResponse('The request is not valid'),
  401: problemResponse('No valid access token'),
  403: problemResponse('Only regulators manage API clients'),
  404: problemResponse('No such enterprise or client'),
}

/** API clients: credentials for an enterprise's systems or for a regulator's. */
export const clientRoutes: FastifyPluginAsyncTypebox<{ identity: Identity }> = async (app, { identity }) => {
  app.post(
    '/v1/enterprises/:id/clients',
    {
      config: { access: manageClients },
      schema: {
        tags: ['clients'],
        summary: 'Create an API client for an enterprise (the secret is shown once)',
        operationId: 'createEnterpriseClient',
        params: IdParams,
        headers: WriteHeaders,
        body: ApiClientCreate,
        response: { 201: Type.Ref('ApiClientWithSecret'), ...errors },
      },
    },
    async (request, reply) =>
      sendWrite(
        reply,
        await createClient(app.database, writeContextOf(request), {
          ...request.body,
          role: 'enterprise',
          enterpriseId: request.params.id,
          manager: principalOf(request),
        }),
      ),
  )

  app.get(
    '/v1/enterprises/:id/clients',
    {
      config: { access: manageClients },
      schema: {
        tags: ['clients'],
        summary: "List an enterprise's API clients (never their secrets)",
        operationId: 'listEnterpriseClients',
        params: IdParams,
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Ref('ApiClientList'), ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      await findManagedEnterprise(app.database.db, principal, request.params.id)
      return listClients(app.database.db, principal, { ...request.query, enterpriseId: request.params.id })
    },
  )

  app.post(
    '/v1/clients',
    {
      config: { access: manageClients },
      schema: {
        tags: ['clients'],
        summary:
          "Create a regulator API client, or with `unit_id` a handling unit's (the secret is shown once)",
        operationId: 'createRegulatorClient',
        headers: WriteHeaders,
        body: RegulatorClientCreate,
        response: { 201: Type.Ref('ApiClientWithSecret'), ...errors },
      },
    },
    async (request, reply) => {
      const { jurisdiction_id, unit_id, ...client } = request.body
      if (unit_id !== undefined && jurisdiction_id !== undefined) {
        throw problem('validation_failed', {
          en: "A unit client belongs to its unit's jurisdiction: send unit_id or jurisdiction_id, not both.",
          zh: '承办单位客户端归属其承办单位所在的辖区：unit_id 和 jurisdiction_id 只能填写一个。',
        })
      }
      return sendWrite(
        reply,
        await createClient(app.database, writeContextOf(request), {
          ...client,
          role: unit_id === undefined ? 'regulator' : 'unit',
          enterpriseId: null,
          unitId: unit_id,
          jurisdictionId: jurisdiction_id,
          manager: principalOf(request),
        }),
      )
    },
  )

  app.get(
    '/v1/clients',
    {
      config: { access: manageClients },
      schema: {
        tags: ['clients'],
        summary: "List the API clients of the caller's jurisdiction and below",
        operationId: 'listClients',
        querystring: Type.Object({
          ...PageQuery,
          role: Type.Optional(StringEnum(['regulator', 'enterprise', 'witness', 'unit'] as const)),
        }),
        response: { 200: Type.Ref('ApiClientList'), ...errors },
      },
    },
    async (request) => listClients(app.database.db, principalOf(request), request.query),
  )

  app.delete(
    '/v1/clients/:id',
    {
      config: { access: manageClients },
      schema: {
        tags: ['clients'],
        summary: 'Revoke an API client: its tokens stop working within seconds on every instance',
        operationId: 'revokeClient',
        params: IdParams,
        response: {
          200: Type.Ref('ApiClient'),
          ...errors,
          409: problemResponse('The client is the last active regulator client'),
        },
      },
    },
    async (request, reply) => {
      const outcome = await revokeClient(app.database, writeContextOf(request), request.params.id)
      identity.revocations.add(request.params.id)
      return sendWrite(reply, outcome)
    },
  )
}
