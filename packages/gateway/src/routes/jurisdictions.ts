import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { PageQuery } from '../http/pagination.js'
import { problemResponse } from '../http/problem-schema.js'
import { sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import { IdParams, StringEnum } from '../schemas/common.js'
import { JurisdictionCreate, JurisdictionUpdate, jurisdictionLevels } from '../schemas/jurisdictions.js'
import { createJurisdiction, updateJurisdiction } from '../services/jurisdictions/manage.js'
import { getJurisdiction, listJurisdictions } from '../services/jurisdictions/tree.js'

const reads = { roles: ['regulator'], scope: 'jurisdictions:read' } as const
const writes = { roles: ['regulator'], scope: 'jurisdictions:write' } as const
const errors = {
  400: problemResponse('The request is not valid'),
  401: problemResponse('No valid access token'),
  403: problemResponse('The caller may not do this'),
  404: problemResponse("No such jurisdiction in the caller's subtree"),
}

/** The tree of jurisdictions: each regulator reads and manages the subtree below its node. */
export const jurisdictionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/jurisdictions',
    {
      config: { access: reads },
      schema: {
        tags: ['jurisdictions'],
        summary: "The caller's subtree as a list, parents first",
        operationId: 'listJurisdictions',
        querystring: Type.Object({ ...PageQuery, level: Type.Optional(StringEnum(jurisdictionLevels)) }),
        response: { 200: Type.Ref('JurisdictionList'), ...errors },
      },
    },
    async (request) => listJurisdictions(app.database.db, principalOf(request), request.query),
  )

  app.get(
    '/v1/jurisdictions/:id',
    {
      config: { access: reads },
      schema: {
        tags: ['jurisdictions'],
        summary: 'Get a jurisdiction of the caller’s subtree',
        operationId: 'getJurisdiction',
        params: IdParams,
        response: { 200: Type.Ref('Jurisdiction'), ...errors },
      },
    },
    async (request) => getJurisdiction(app.database.db, principalOf(request), request.params.id),
  )

  app.post(
    '/v1/jurisdictions',
    {
      config: { access: writes },
      schema: {
        tags: ['jurisdictions'],
        summary: 'Add a district or a station under a node of the caller’s subtree',
        operationId: 'createJurisdiction',
        headers: WriteHeaders,
        body: JurisdictionCreate,
        response: {
          201: Type.Ref('Jurisdiction'),
          ...errors,
          409: problemResponse('The code is taken'),
        },
      },
    },
    async (request, reply) =>
      sendWrite(reply, await createJurisdiction(app.database, writeContextOf(request), request.body)),
  )

  app.patch(
    '/v1/jurisdictions/:id',
    {
      config: { access: writes },
      schema: {
        tags: ['jurisdictions'],
        summary: 'Rename, recode or re-level a node below the caller’s (the root by its own regulators)',
        operationId: 'updateJurisdiction',
        params: IdParams,
        body: JurisdictionUpdate,
        response: {
          200: Type.Ref('Jurisdiction'),
          ...errors,
          409: problemResponse('The code is taken'),
        },
      },
    },
    async (request, reply) =>
      sendWrite(
        reply,
        await updateJurisdiction(app.database, writeContextOf(request), request.params.id, request.body),
      ),
  )
}
