import { startGateway } from '../lib/gateway.mjs'

function expectOk(response) {
  if (JSON.parse(response.body)?.status !== 'ok')
    throw new Error(`expected {"status":"ok"}, got ${response.body}`)
}

/**
 * The fixed cost of the gateway's HTTP layer: the same trivial answer with and without
 * everything the gateway puts around every route (request ids, metrics, rate limiting,
 * problem handling, validation set-up, OpenAPI registration).
 */
export default {
  name: 'healthz',
  description: 'GET /healthz on the gateway vs the same route on a bare Fastify app',
  target: {
    label: 'Hejie gateway, `GET /healthz`',
    start: () => startGateway(),
    request: { method: 'GET', path: '/healthz' },
    check(response) {
      expectOk(response)
      if (!response.headers['x-request-id']) throw new Error('no x-request-id header: not the gateway?')
    },
  },
  baseline: {
    label: 'bare Fastify 5, one route, no logger',
    async start() {
      const { default: Fastify } = await import('fastify')
      const app = Fastify({ logger: false })
      app.get('/healthz', async () => ({ status: 'ok' }))
      await app.listen({ port: 0, host: '127.0.0.1' })
      return { port: app.server.address().port, close: () => app.close() }
    },
    request: { method: 'GET', path: '/healthz' },
    check: expectOk,
  },
}
