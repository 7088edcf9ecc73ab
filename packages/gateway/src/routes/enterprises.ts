import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { PageQuery } from '../http/pagination.js'
import { problemResponse } from '../http/problem-schema.js'
import { sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import { IdParams, StringEnum } from '../schemas/common.js'
import { EnterpriseCreate, EnterpriseUpdate } from '../schemas/identity.js'
import {
  createEnterprise,
  getEnterprise,
  listEnterprises,
  updateEnterprise,
} from '../services/enterprises.js'

const regulatorWrites = { roles: ['regulator'], scope: 'enterprises:write' } as const
const anyoneReads = { roles: ['regulator', 'enterprise'], scope: 'enterprises:read' } as const
const errors = {
  400: problemResponse('The request is not valid'),
  401: problemResponse('No valid access token'),
  403: problemResponse('The caller may not do this'),
  404: problemResponse('No such enterprise visible to the caller'),
}

/** ODR enterprises: registered and managed by the regulator; an enterprise reads itself. */
export const enterpriseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/enterprises',
    {
      config: { access: regulatorWrites },
      schema: {
        tags: ['enterprises'],
        summary: 'Register an ODR enterprise',
        operationId: 'createEnterprise',
        headers: WriteHeaders,
        body: EnterpriseCreate,
        response: {
          201: Type.Ref('Enterprise'),
          ...errors,
          409: problemResponse('The credit code is registered'),
        },
      },
    },
    async (request, reply) =>
      sendWrite(reply, await createEnterprise(app.database, writeContextOf(request), request.body)),
  )

  app.get(
    '/v1/enterprises',
    {
      config: { access: anyoneReads },
      schema: {
        tags: ['enterprises'],
        summary: 'List enterprises: the whole directory for a regulator, itself for an enterprise',
        operationId: 'listEnterprises',
        querystring: Type.Object({
          ...PageQuery,
          odr_status: Type.Optional(StringEnum(['active', 'suspended', 'exited'] as const)),
          jurisdiction_id: Type.Optional(
            Type.String({ maxLength: 64, description: 'Registered in this jurisdiction or below it.' }),
          ),
        }),
        response: { 200: Type.Ref('EnterpriseList'), ...errors },
      },
    },
    async (request) => listEnterprises(app.database.db, principalOf(request), request.query),
  )

  app.get(
    '/v1/enterprises/:id',
    {
      config: { access: anyoneReads },
      schema: {
        tags: ['enterprises'],
        summary: 'Get an enterprise',
        operationId: 'getEnterprise',
        params: IdParams,
        response: { 200: Type.Ref('Enterprise'), ...errors },
      },
    },
    async (request) => getEnterprise(app.database.db, principalOf(request), request.params.id),
  )

  app.patch(
    '/v1/enterprises/:id',
    {
      config: { access: regulatorWrites },
      schema: {
        tags: ['enterprises'],
        summary: 'Update an enterprise registered in the caller’s subtree, or suspend or exit it',
        operationId: 'updateEnterprise',
        params: IdParams,
        body: EnterpriseUpdate,
        response: {
          200: Type.Ref('Enterprise'),
          ...errors,
          409: problemResponse('An exited enterprise is final'),
        },
      },
    },
    async (request, reply) =>
      sendWrite(
        reply,
        await updateEnterprise(app.database, writeContextOf(request), request.params.id, request.body),
      ),
  )
}
