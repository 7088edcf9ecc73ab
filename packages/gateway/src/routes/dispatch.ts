import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { PageQuery } from '../http/pagination.js'
import { problemResponse } from '../http/problem-schema.js'
import { sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import { IdParams, StringEnum } from '../schemas/common.js'
import {
  HandlingUnitCreate,
  HandlingUnitUpdate,
  RoutingRuleCreate,
  RoutingRuleUpdate,
  unitKinds,
  unitStatuses,
} from '../schemas/dispatch.js'
import { IntakeBody } from '../schemas/disputes.js'
import { createRule, deleteRule, getRule, listRules, updateRule } from '../services/dispatch/rules.js'
import { createUnit, findUnit, listUnits, presentUnit, updateUnit } from '../services/dispatch/units.js'
import { previewDispatch } from '../services/disputes/dispatch-preview.js'

const reads = { roles: ['regulator'], scope: 'disputes:read' } as const
const writes = { roles: ['regulator'], scope: 'disputes:write' } as const
const errors = {
  400: problemResponse('The request is not valid'),
  401: problemResponse('No valid access token'),
  403: problemResponse('Only regulators manage handling units and routing rules'),
  404: problemResponse("No such unit, rule or jurisdiction in the caller's subtree"),
}
const JurisdictionFilter = Type.Optional(
  Type.String({ maxLength: 64, description: 'Of this jurisdiction (units: or below it).' }),
)

/** Handling units, routing rules and the dispatcher's preview (接诉即办). */
export const dispatchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/handling-units',
    {
      config: { access: writes },
      schema: {
        tags: ['dispatch'],
        summary: "Create a handling unit in the caller's subtree",
        operationId: 'createHandlingUnit',
        headers: WriteHeaders,
        body: HandlingUnitCreate,
        response: { 201: Type.Ref('HandlingUnit'), ...errors },
      },
    },
    async (request, reply) =>
      sendWrite(reply, await createUnit(app.database, writeContextOf(request), request.body)),
  )

  app.get(
    '/v1/handling-units',
    {
      config: { access: reads },
      schema: {
        tags: ['dispatch'],
        summary: "List the handling units of the caller's subtree, newest first",
        operationId: 'listHandlingUnits',
        querystring: Type.Object({
          ...PageQuery,
          jurisdiction_id: JurisdictionFilter,
          kind: Type.Optional(StringEnum(unitKinds)),
          status: Type.Optional(StringEnum(unitStatuses)),
        }),
        response: { 200: Type.Ref('HandlingUnitList'), ...errors },
      },
    },
    async (request) => listUnits(app.database.db, principalOf(request), request.query),
  )

  app.get(
    '/v1/handling-units/:id',
    {
      config: { access: reads },
      schema: {
        tags: ['dispatch'],
        summary: 'Get a handling unit',
        operationId: 'getHandlingUnit',
        params: IdParams,
        response: { 200: Type.Ref('HandlingUnit'), ...errors },
      },
    },
    async (request) => presentUnit(await findUnit(app.database.db, principalOf(request), request.params.id)),
  )

  app.patch(
    '/v1/handling-units/:id',
    {
      config: { access: writes },
      schema: {
        tags: ['dispatch'],
        summary: 'Rename a handling unit, or make it inactive (it then receives no disputes) or active again',
        operationId: 'updateHandlingUnit',
        params: IdParams,
        body: HandlingUnitUpdate,
        response: { 200: Type.Ref('HandlingUnit'), ...errors },
      },
    },
    async (request, reply) =>
      sendWrite(
        reply,
        await updateUnit(app.database, writeContextOf(request), request.params.id, request.body),
      ),
  )

  app.post(
    '/v1/routing-rules',
    {
      config: { access: writes },
      schema: {
        tags: ['dispatch'],
        summary: 'Create a routing rule: complaints whose conditions all match go to its unit',
        operationId: 'createRoutingRule',
        headers: WriteHeaders,
        body: RoutingRuleCreate,
        response: { 201: Type.Ref('RoutingRule'), ...errors },
      },
    },
    async (request, reply) =>
      sendWrite(reply, await createRule(app.database, writeContextOf(request), request.body)),
  )

  app.get(
    '/v1/routing-rules',
    {
      config: { access: reads },
      schema: {
        tags: ['dispatch'],
        summary: "List the routing rules of the caller's subtree, newest first",
        operationId: 'listRoutingRules',
        querystring: Type.Object({
          ...PageQuery,
          jurisdiction_id: JurisdictionFilter,
          unit_id: Type.Optional(Type.String({ maxLength: 64 })),
          enabled: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Type.Ref('RoutingRuleList'), ...errors },
      },
    },
    async (request) => listRules(app.database.db, principalOf(request), request.query),
  )

  app.get(
    '/v1/routing-rules/:id',
    {
      config: { access: reads },
      schema: {
        tags: ['dispatch'],
        summary: 'Get a routing rule',
        operationId: 'getRoutingRule',
        params: IdParams,
        response: { 200: Type.Ref('RoutingRule'), ...errors },
      },
    },
    async (request) => getRule(app.database.db, principalOf(request), request.params.id),
  )

  app.patch(
    '/v1/routing-rules/:id',
    {
      config: { access: writes },
      schema: {
        tags: ['dispatch'],
        summary: 'Change a routing rule: priority, enabled, conditions (replaced whole) or target',
        operationId: 'updateRoutingRule',
        params: IdParams,
        body: RoutingRuleUpdate,
        response: { 200: Type.Ref('RoutingRule'), ...errors },
      },
    },
    async (request, reply) =>
      sendWrite(
        reply,
        await updateRule(app.database, writeContextOf(request), request.params.id, request.body),
      ),
  )

  app.delete(
    '/v1/routing-rules/:id',
    {
      config: { access: writes },
      schema: {
        tags: ['dispatch'],
        summary: 'Delete a routing rule',
        operationId: 'deleteRoutingRule',
        params: IdParams,
        response: {
          200: Type.Object({
            id: Type.String(),
            object: Type.Literal('routing_rule'),
            deleted: Type.Literal(true),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) =>
      sendWrite(reply, await deleteRule(app.database, writeContextOf(request), request.params.id)),
  )

  app.post(
    '/v1/dispatch/preview',
    {
      config: { access: writes },
      schema: {
        tags: ['dispatch'],
        summary: 'What intake would do with this body, and why, changing nothing',
        operationId: 'previewDispatch',
        body: IntakeBody,
        response: {
          200: Type.Ref('DispatchPreview'),
          ...errors,
          422: problemResponse('The enterprise named takes no new disputes, or no dispatch target exists'),
        },
      },
    },
    async (request) => previewDispatch(app.database.db, principalOf(request), request.body),
  )
}
