import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { PageQuery } from '../http/pagination.js'
import { problemResponse } from '../http/problem-schema.js'
import { IdParams } from '../schemas/common.js'
import { RiskSignalQuery } from '../schemas/risk-signals.js'
import { getRiskSignal, listRiskSignals } from '../services/risk-signals/queries.js'

const reads = { roles: ['regulator'], scope: 'stats:read' } as const
const errors = {
  400: problemResponse('The request is not valid, or `from` is not before `to`'),
  401: problemResponse('No valid access token'),
  403: problemResponse('Only regulators read risk signals'),
  404: problemResponse("No such risk signal in the caller's subtree"),
}

/** The watchlist (靶向监管): risk signals computed by the `risk-signals` job. */
export const riskSignalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/risk-signals',
    {
      config: { access: reads },
      schema: {
        tags: ['supervision'],
        summary: "List the risk signals of the caller's subtree, newest first",
        operationId: 'listRiskSignals',
        querystring: Type.Object({ ...PageQuery, ...RiskSignalQuery }),
        response: { 200: Type.Ref('RiskSignalList'), ...errors },
      },
    },
    async (request) => listRiskSignals(app.database.db, principalOf(request), request.query),
  )

  app.get(
    '/v1/risk-signals/:id',
    {
      config: { access: reads },
      schema: {
        tags: ['supervision'],
        summary: 'Get a risk signal',
        operationId: 'getRiskSignal',
        params: IdParams,
        response: { 200: Type.Ref('RiskSignal'), ...errors },
      },
    },
    async (request) => getRiskSignal(app.database.db, principalOf(request), request.params.id),
  )
}
