import { seedDisputes } from '../lib/dispute-fixture.mjs'
import { startGateway } from '../lib/gateway.mjs'

function expectTwentyDisputes(response) {
  const page = JSON.parse(response.body)
  if (page?.object !== 'list' || page.data?.length !== 20)
    throw new Error(`expected a page of 20 disputes, got ${response.body.slice(0, 300)}`)
}

/**
 * What an enterprise's customer-service system does most: list its disputes. The baseline
 * is a bare Fastify route running the same query on the same data and serializing the same
 * objects with the same response schema, without authentication, rate limiting, request
 * ids, metrics or validation: the ratio is what the gateway's safety costs.
 */
export default {
  name: 'disputes-list',
  description:
    'authenticated GET /v1/disputes (20 items) vs a bare Fastify route doing the same query and serialization',
  target: {
    label: 'Hejie gateway, authenticated `GET /v1/disputes` (20 of 200)',
    start: () => startGateway({ seed: (app, database) => seedDisputes(app, database) }),
    request: (info) => ({
      method: 'GET',
      path: '/v1/disputes',
      headers: { authorization: `Bearer ${info.token}` },
    }),
    check: expectTwentyDisputes,
  },
  baseline: {
    label: 'bare Fastify 5: same query, same presenter, same response schema',
    async start() {
      const gateway = await startGateway({ seed: (app, database) => seedDisputes(app, database) })
      const [{ default: Fastify }, { disputeSchemas, presentDispute }] = await Promise.all([
        import('fastify'),
        import('@hejie/gateway'),
      ])
      const { database, info } = gateway
      const app = Fastify({ logger: false })
      for (const schema of disputeSchemas) app.addSchema(schema)
      const viewer = { role: 'enterprise', enterpriseId: info.enterpriseId }
      app.get('/v1/disputes', { schema: { response: { 200: { $ref: 'DisputeList' } } } }, async () => {
        const rows = await database.db
          .selectFrom('disputes')
          .selectAll()
          .where('enterprise_id', '=', info.enterpriseId)
          .orderBy('id', 'desc')
          .limit(21)
          .execute()
        const now = new Date()
        const shown = rows.slice(0, 20)
        return {
          object: 'list',
          data: shown.map((row) => presentDispute(row, viewer, now)),
          has_more: rows.length > 20,
          next_cursor: shown.at(-1)?.id ?? null,
        }
      })
      await app.listen({ port: 0, host: '127.0.0.1' })
      return {
        port: app.server.address().port,
        async close() {
          await app.close()
          await gateway.close()
        },
      }
    },
    request: { method: 'GET', path: '/v1/disputes' },
    check: expectTwentyDisputes,
  },
}
