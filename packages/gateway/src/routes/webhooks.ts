import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { PageQuery } from '../http/pagination.js'
import { problemResponse } from '../http/problem-schema.js'
import { sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import { IdParams, StringEnum, Timestamp, utc } from '../schemas/common.js'
import { WebhookEndpointCreate, WebhookEndpointUpdate } from '../schemas/webhooks.js'
import { listDeliveries, recoverEndpoint, retryDelivery } from '../services/webhooks/deliveries.js'
import {
  createEndpoint,
  deleteEndpoint,
  findEndpoint,
  listEndpoints,
  pingEndpoint,
  presentEndpoint,
  rotateSecret,
  updateEndpoint,
  type WebhookSettings,
} from '../services/webhooks/endpoints.js'

const access = { roles: ['regulator', 'enterprise', 'unit'], scope: 'webhooks:write' } as const
const errors = {
  400: problemResponse('The request is not valid'),
  401: problemResponse('No valid access token'),
  403: problemResponse('The token lacks webhooks:write'),
  404: problemResponse('No such webhook endpoint or delivery visible to the caller'),
}
const urlErrors = { 422: problemResponse('The URL is not an allowed webhook target') }

/**
 * Webhook endpoints: an enterprise manages its own, regulators share the regulator
 * endpoints (which receive every event). Another tenant's endpoint is a 404.
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookSettings> = async (app, settings) => {
  app.post(
    '/v1/webhook-endpoints',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to events (the signing secret is shown once)',
        operationId: 'createWebhookEndpoint',
        headers: WriteHeaders,
        body: WebhookEndpointCreate,
        response: { 201: Type.Ref('WebhookEndpointWithSecret'), ...errors, ...urlErrors },
      },
    },
    async (request, reply) =>
      sendWrite(reply, await createEndpoint(app.database, writeContextOf(request), settings, request.body)),
  )

  app.get(
    '/v1/webhook-endpoints',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: "The caller's webhook endpoints, newest first",
        operationId: 'listWebhookEndpoints',
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Ref('WebhookEndpointList'), ...errors },
      },
    },
    async (request) => listEndpoints(app.database.db, principalOf(request), request.query),
  )

  app.get(
    '/v1/webhook-endpoints/:id',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: 'A webhook endpoint',
        operationId: 'getWebhookEndpoint',
        params: IdParams,
        response: { 200: Type.Ref('WebhookEndpoint'), ...errors },
      },
    },
    async (request) =>
      presentEndpoint(await findEndpoint(app.database.db, principalOf(request), request.params.id)),
  )

  app.patch(
    '/v1/webhook-endpoints/:id',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: 'Change the URL, the event types or the description; enable or disable',
        operationId: 'updateWebhookEndpoint',
        params: IdParams,
        headers: WriteHeaders,
        body: WebhookEndpointUpdate,
        response: { 200: Type.Ref('WebhookEndpoint'), ...errors, ...urlErrors },
      },
    },
    async (request, reply) =>
      sendWrite(
        reply,
        await updateEndpoint(
          app.database,
          writeContextOf(request),
          settings,
          request.params.id,
          request.body,
        ),
      ),
  )

  app.delete(
    '/v1/webhook-endpoints/:id',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: 'Delete an endpoint with its delivery log; nothing more is sent to it',
        operationId: 'deleteWebhookEndpoint',
        params: IdParams,
        response: { 200: Type.Ref('WebhookEndpoint'), ...errors },
      },
    },
    async (request, reply) =>
      sendWrite(reply, await deleteEndpoint(app.database, writeContextOf(request), request.params.id)),
  )

  app.post(
    '/v1/webhook-endpoints/:id/rotate-secret',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: 'A new signing secret (shown once); the old one keeps signing beside it for 24 hours',
        operationId: 'rotateWebhookSecret',
        params: IdParams,
        headers: WriteHeaders,
        response: { 200: Type.Ref('WebhookEndpointWithSecret'), ...errors },
      },
    },
    async (request, reply) =>
      sendWrite(
        reply,
        await rotateSecret(app.database, writeContextOf(request), settings, request.params.id),
      ),
  )

  app.post(
    '/v1/webhook-endpoints/:id/test',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: 'Send a `ping` event to this endpoint only',
        operationId: 'pingWebhookEndpoint',
        params: IdParams,
        headers: WriteHeaders,
        response: {
          202: Type.Ref('WebhookEndpoint'),
          ...errors,
          422: problemResponse('The endpoint is disabled'),
        },
      },
    },
    async (request, reply) =>
      sendWrite(reply, await pingEndpoint(app.database, writeContextOf(request), request.params.id)),
  )

  app.get(
    '/v1/webhook-endpoints/:id/deliveries',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: "An endpoint's deliveries, newest first, with every attempt",
        operationId: 'listWebhookDeliveries',
        params: IdParams,
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(StringEnum(['pending', 'succeeded', 'failed'] as const)),
        }),
        response: { 200: Type.Ref('WebhookDeliveryList'), ...errors },
      },
    },
    async (request) =>
      listDeliveries(app.database.db, principalOf(request), request.params.id, request.query),
  )

  app.post(
    '/v1/webhook-endpoints/:id/recover',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: 'Queue again every failed delivery of the endpoint created since a time',
        operationId: 'recoverWebhookEndpoint',
        params: IdParams,
        headers: WriteHeaders,
        body: Type.Object({ since: Timestamp }, { additionalProperties: false }),
        response: { 202: Type.Ref('WebhookRecovery'), ...errors },
      },
    },
    async (request, reply) =>
      sendWrite(
        reply,
        await recoverEndpoint(
          app.database,
          writeContextOf(request),
          request.params.id,
          utc(request.body.since),
        ),
      ),
  )

  app.post(
    '/v1/webhook-deliveries/:id/retry',
    {
      config: { access },
      schema: {
        tags: ['webhooks'],
        summary: 'Attempt one delivery again now',
        operationId: 'retryWebhookDelivery',
        params: IdParams,
        headers: WriteHeaders,
        response: { 202: Type.Ref('WebhookDelivery'), ...errors },
      },
    },
    async (request, reply) =>
      sendWrite(reply, await retryDelivery(app.database, writeContextOf(request), request.params.id)),
  )
}
