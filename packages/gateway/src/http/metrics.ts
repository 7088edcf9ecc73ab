import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

const startedAt = Symbol('metrics.startedAt')
declare module 'fastify' {
  interface FastifyRequest {
    [startedAt]?: bigint
  }
}

/**
 * Prometheus metrics: request counts and latency histograms per route template (never the
 * raw URL, which would carry ids and grow without bound), plus the process defaults. Each
 * app has its own registry, so several apps in one process (tests) do not collide.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry, prefix: 'hejie_' })
    const labelNames = ['method', 'route', 'status'] as const
    const requests = new Counter({
      name: 'hejie_http_requests_total',
      help: 'HTTP requests answered, by route template and status.',
      labelNames,
      registers: [registry],
    })
    const duration = new Histogram({
      name: 'hejie_http_request_duration_seconds',
      help: 'Time from the start of a request to its response, by route template.',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    })
    app.decorate('metrics', registry)
    // Callback hooks: a promise per hook would cost every request a microtask for nothing.
    app.addHook('onRequest', (request, _reply, done) => {
      request[startedAt] = process.hrtime.bigint()
      done()
    })
    app.addHook('onResponse', (request, reply, done) => {
      const began = request[startedAt]
      if (began === undefined) return done()
      const labels = {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      }
      requests.inc(labels)
      duration.observe(labels, Number(process.hrtime.bigint() - began) / 1e9)
      done()
    })
  },
  { name: 'hejie-metrics', fastify: '5.x' },
)
