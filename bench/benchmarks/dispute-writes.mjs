import { randomUUID } from 'node:crypto'
import { seedDisputes } from '../lib/dispute-fixture.mjs'
import { startGateway } from '../lib/gateway.mjs'

const contact = JSON.stringify({
  channel: 'phone',
  // Reported times lie between the dispute's assignment and at most 5 minutes ahead of the
  // gateway's clock: 4 minutes after this module loads suits every request of the run.
  contacted_at: new Date(Date.now() + 240_000).toISOString(),
  reached: true,
  summary: 'Consumer reached; call back tomorrow with the refund amount.',
})

/**
 * Writes as the quality bar counts them: an action that commits its record, the dispute's
 * new version, an audit entry (with its Merkle nodes), an event and an idempotency record
 * in one durable transaction (`synchronous=FULL`). The baseline is the floor of the same
 * embedded database: a bare Fastify route committing one durable insert per request.
 */
export default {
  name: 'dispute-writes',
  description:
    'POST /v1/disputes/{id}/contacts with an Idempotency-Key vs one durable SQLite insert per request',
  target: {
    label:
      'Hejie gateway, `POST /v1/disputes/{id}/contacts` (record + version + audit + event + idempotency)',
    start: () => startGateway({ seed: (app, database) => seedDisputes(app, database, { count: 50 }) }),
    request: (info) => ({
      // The preflight sends these; under load every request gets its own dispute and key.
      method: 'POST',
      path: `/v1/disputes/${info.disputeIds[0]}/contacts`,
      headers: {
        authorization: `Bearer ${info.token}`,
        'content-type': 'application/json',
        'idempotency-key': 'preflight',
      },
      body: contact,
      requests: [
        {
          method: 'POST',
          setupRequest(request) {
            const id = info.disputeIds[Math.floor(Math.random() * info.disputeIds.length)]
            return {
              ...request,
              path: `/v1/disputes/${id}/contacts`,
              headers: {
                authorization: `Bearer ${info.token}`,
                'content-type': 'application/json',
                'idempotency-key': randomUUID(),
              },
              body: contact,
            }
          },
        },
      ],
    }),
    check(response) {
      if (JSON.parse(response.body)?.object !== 'contact')
        throw new Error(`expected a contact, got ${response.body.slice(0, 300)}`)
    },
  },
  baseline: {
    label: 'bare Fastify 5 + better-sqlite3: one durable insert per request (WAL, synchronous=FULL)',
    async start() {
      const [{ default: Fastify }, { default: SQLite }, { mkdtemp, rm }, { tmpdir }, { join }] =
        await Promise.all([
          import('fastify'),
          import('better-sqlite3'),
          import('node:fs/promises'),
          import('node:os'),
          import('node:path'),
        ])
      const directory = await mkdtemp(join(tmpdir(), 'hejie-bench-'))
      const db = new SQLite(join(directory, 'floor.db'))
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = FULL')
      db.exec('create table contacts (id text primary key, body text not null)')
      const insert = db.prepare('insert into contacts (id, body) values (?, ?)')
      const app = Fastify({ logger: false })
      app.post('/contacts', async (request, reply) => {
        const id = randomUUID()
        insert.run(id, JSON.stringify(request.body))
        return reply.code(201).send({ id, object: 'contact' })
      })
      await app.listen({ port: 0, host: '127.0.0.1' })
      return {
        port: app.server.address().port,
        async close() {
          await app.close()
          db.close()
          await rm(directory, { recursive: true, force: true })
        },
      }
    },
    request: {
      method: 'POST',
      path: '/contacts',
      headers: { 'content-type': 'application/json' },
      body: contact,
    },
    check(response) {
      if (JSON.parse(response.body)?.object !== 'contact') throw new Error('expected a contact')
    },
  },
}
