import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problem } from '../errors.js'
import { problemResponse } from '../http/problem-schema.js'
import { databaseUnavailable } from '../http/storage-problems.js'
import { pendingMigrations } from '../storage/migrator.js'

const Health = Type.Object({ status: Type.Literal('ok') }, { $id: 'Health' })

/** Liveness, readiness and metrics: what a load balancer and Prometheus poll. */
export const operationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Health)

  app.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'The process is up',
        operationId: 'getHealth',
        security: [],
        response: { 200: Type.Ref('Health') },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/readyz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'The database is reachable and its schema is current',
        operationId: 'getReadiness',
        security: [],
        response: {
          200: Type.Ref('Health'),
          503: problemResponse('The database is unreachable or not migrated'),
        },
      },
    },
    async () => {
      let pending: string[]
      try {
        await app.database.ping()
        pending = await pendingMigrations(app.database)
      } catch {
        throw databaseUnavailable({ en: 'The database does not answer.', zh: '数据库没有响应。' })
      }
      if (pending.length > 0) {
        throw problem('not_ready', {
          en: `Migrations not yet run: ${pending.join(', ')}.`,
          zh: `尚有数据库迁移未执行：${pending.join('、')}。`,
        })
      }
      return { status: 'ok' as const }
    },
  )

  app.get(
    '/metrics',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics',
        operationId: 'getMetrics',
        security: [],
        produces: ['text/plain'],
        response: {
          200: {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: Type.String() } },
          },
        },
      },
    },
    async (_request, reply) => {
      reply.type(app.metrics.contentType)
      return app.metrics.metrics()
    },
  )
}
