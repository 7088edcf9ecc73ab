import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { problemResponse } from '../http/problem-schema.js'
import { StatsQuery } from '../schemas/stats.js'
import { statsReport } from '../services/stats/report.js'

/** Oversight: the regulator's indicators (和解成功率, 按时办结率, 三率, …); docs/stats.md has every formula. */
export const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/stats',
    {
      config: { access: { roles: ['regulator', 'enterprise', 'unit'], scope: 'stats:read' } },
      schema: {
        tags: ['stats'],
        summary:
          'Indicators over the disputes assigned in a window: totals, or per enterprise, problem type or month',
        operationId: 'getStats',
        querystring: StatsQuery,
        response: {
          200: Type.Ref('StatsReport'),
          400: problemResponse('Bad parameters, or `from` not before `to`'),
          401: problemResponse('No valid access token'),
          403: problemResponse('The token lacks stats:read'),
          404: problemResponse('No such enterprise visible to the caller'),
        },
      },
    },
    async (request) =>
      statsReport(app.database, principalOf(request), request.query, app.database.clock.now()),
  )
}
