import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { problemResponse } from '../http/problem-schema.js'
import { feedPageJson, readFeed } from '../services/events/feed.js'

/** The event feed: the same events webhooks deliver, for pulling instead of receiving. */
export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/events',
    {
      config: { access: { roles: ['regulator', 'enterprise', 'unit'], scope: 'events:read' } },
      schema: {
        tags: ['events'],
        summary: 'Events in commit order: page with `after` (an event id); never misses or repeats one',
        operationId: 'listEvents',
        querystring: Type.Object({
          after: Type.Optional(
            Type.String({ maxLength: 64, description: 'Return events after this event id.' }),
          ),
          types: Type.Optional(
            Type.Array(Type.String({ maxLength: 500 }), {
              description: 'Event types to return, repeated or comma-separated.',
            }),
          ),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: {
          200: Type.Ref('EventList'),
          400: problemResponse('Unknown `after` event or bad parameters'),
          401: problemResponse('No valid access token'),
          403: problemResponse('The token lacks events:read'),
        },
      },
    },
    async (request, reply) => {
      const page = await readFeed(app.database.db, principalOf(request), request.query)
      // Already JSON: sent as it is, not through the response schema's serializer.
      return reply.type('application/json; charset=utf-8').send(feedPageJson(page))
    },
  )
}
