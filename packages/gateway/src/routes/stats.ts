import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../http/authentication.js'
import { csvStream, jsonOrCsv, sendCsv, wantsCsv } from '../http/csv.js'
import { problemResponse } from '../http/problem-schema.js'
import { RankingsQuery } from '../schemas/rankings.js'
import { StatsQuery } from '../schemas/stats.js'
import { rankingColumns, statsColumns } from '../services/stats/csv-columns.js'
import { rankAssignees } from '../services/stats/rankings.js'
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
        description: 'With `Accept: text/csv` or `format=csv`, one CSV line per group.',
        operationId: 'getStats',
        querystring: StatsQuery,
        response: {
          200: jsonOrCsv('The indicators', 'StatsReport'),
          400: problemResponse('Bad parameters, or `from` not before `to`'),
          401: problemResponse('No valid access token'),
          403: problemResponse('The token lacks stats:read'),
          404: problemResponse('No such enterprise visible to the caller'),
        },
      },
    },
    async (request, reply) => {
      const report = await statsReport(
        app.database,
        principalOf(request),
        request.query,
        app.database.clock.now(),
      )
      if (!wantsCsv(request)) return report
      return sendCsv(
        reply,
        'hejie-stats.csv',
        csvStream(statsColumns, request.query.lang ?? 'zh', report.data),
      )
    },
  )

  app.get(
    '/v1/stats/rankings',
    {
      config: { access: { roles: ['regulator'], scope: 'stats:read' } },
      schema: {
        tags: ['stats'],
        summary: 'Enterprises and handling units of the caller’s subtree ranked by one indicator',
        description:
          'Ranks each assignee holding disputes assigned in the window by `metric`, with the indicators behind the rank. Ties share a rank ("1224"). With `Accept: text/csv` or `format=csv`, one CSV line per ranked assignee. docs/supervision.md has each formula.',
        operationId: 'getStatsRankings',
        querystring: RankingsQuery,
        response: {
          200: jsonOrCsv('The ranking', 'Ranking'),
          400: problemResponse('Bad parameters, or `from` not before `to`'),
          401: problemResponse('No valid access token'),
          403: problemResponse('Not a regulator, or the token lacks stats:read'),
          404: problemResponse('No such jurisdiction in the caller’s subtree'),
        },
      },
    },
    async (request, reply) => {
      const ranking = await rankAssignees(
        app.database,
        principalOf(request),
        request.query,
        app.database.clock.now(),
      )
      if (!wantsCsv(request)) return ranking
      const filename = `hejie-ranking-${ranking.metric}.csv`
      return sendCsv(reply, filename, csvStream(rankingColumns, request.query.lang ?? 'zh', ranking.data))
    },
  )
}
