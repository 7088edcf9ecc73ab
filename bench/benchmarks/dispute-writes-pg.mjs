import { randomUUID } from 'node:crypto'
import { seedDisputes } from '../lib/dispute-fixture.mjs'
import { startGateway } from '../lib/gateway.mjs'
import { freshPostgresDatabase } from '../lib/postgres.mjs'
import writes from './dispute-writes.mjs'

/**
 * `dispute-writes` on PostgreSQL: the same request, each write its own transaction committed
 * durably (`synchronous_commit = on`, the server's default), against the floor of the same
 * server: a bare Fastify route committing one insert per request through a pool of the same
 * size (10) as the gateway's.
 */
export default {
  name: 'dispute-writes-pg',
  description:
    'POST /v1/disputes/{id}/contacts on PostgreSQL vs one durable PostgreSQL insert per request (pool of 10)',
  target: {
    ...writes.target,
    label:
      'Hejie gateway on PostgreSQL, `POST /v1/disputes/{id}/contacts` (record + version + audit + event + idempotency)',
    start: () =>
      startGateway({ postgres: true, seed: (app, database) => seedDisputes(app, database, { count: 50 }) }),
  },
  baseline: {
    label: 'bare Fastify 5 + pg: one durable insert per request (pool of 10)',
    async start() {
      const [{ default: Fastify }, { default: pg }] = await Promise.all([import('fastify'), import('pg')])
      const server = await freshPostgresDatabase()
      const pool = new pg.Pool({ connectionString: server.url, max: 10 })
      await pool.query('create table contacts (id text primary key, body text not null)')
      const app = Fastify({ logger: false })
      app.post('/contacts', async (request, reply) => {
        const id = randomUUID()
        await pool.query('insert into contacts (id, body) values ($1, $2)', [
          id,
          JSON.stringify(request.body),
        ])
        return reply.code(201).send({ id, object: 'contact' })
      })
      await app.listen({ port: 0, host: '127.0.0.1' })
      return {
        port: app.server.address().port,
        async close() {
          await app.close()
          await pool.end()
          await server.drop()
        },
      }
    },
    request: writes.baseline.request,
    check: writes.baseline.check,
  },
}
