import { spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { freshPostgresDatabase } from '../lib/postgres.mjs'
import { integer, median, round3 } from '../lib/stats.mjs'
import { gatewayCliPath } from '../lib/workspace.mjs'

const autocannon = createRequire(import.meta.url)('autocannon')
const parts = new URL('../lib/instance-parts.mjs', import.meta.url).href

const contact = JSON.stringify({
  channel: 'phone',
  contacted_at: new Date(Date.now() + 240_000).toISOString(),
  reached: true,
  summary: 'Consumer reached; call back tomorrow with the refund amount.',
})

/** `connections` connections recording contacts on random disputes, each with its own key, for `duration` s. */
function load(port, info, connections, duration) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          path: `/v1/disputes/${info.disputeIds[Math.floor(Math.random() * info.disputeIds.length)]}/contacts`,
          headers: {
            authorization: `Bearer ${info.token}`,
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
          },
          body: contact,
        }),
      },
    ],
  })
}

/**
 * How writes behave when a deployment runs several gateway instances on one PostgreSQL: the
 * same writes (`POST /v1/disputes/{id}/contacts`) against one instance, and split evenly over
 * two, with a `hejie-gateway worker` beside them. Reported, not judged: on two cores the
 * instances share the CPU that one would have used, so the run shows the cost of the second
 * instance (contention on the append lock, connections), not scaling; docs/performance.md
 * gives the analytic model.
 */
export default {
  name: 'instances',
  description:
    'contact writes on PostgreSQL: one gateway instance vs two instances and a worker on one database',
  defaults: { duration: 10, rounds: 3, warmup: 3, connections: 50 },
  async run(context) {
    const { options, log } = context
    const { duration, rounds, warmup, connections } = options
    const server = await freshPostgresDatabase()
    const masterKey = randomBytes(32).toString('base64')
    let worker
    const instances = []
    const failures = []
    const measured = { one: [], two: [] }
    try {
      const first = await context.service('gateway a', parts, 'startInstance', {
        databaseUrl: server.url,
        masterKey,
        seed: true,
      })
      instances.push(first)
      const second = await context.service('gateway b', parts, 'startInstance', {
        databaseUrl: server.url,
        masterKey,
        seed: false,
      })
      instances.push(second)
      worker = spawn(process.execPath, [gatewayCliPath, 'worker'], {
        env: {
          ...process.env,
          DATABASE_URL: server.url,
          HEJIE_MASTER_KEY: masterKey,
          HEJIE_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      context.watch('worker', worker.pid)
      const info = first.info

      const layouts = {
        one: async (seconds) => [await load(first.info.port, info, connections, seconds)],
        two: (seconds) =>
          Promise.all([
            load(first.info.port, info, Math.ceil(connections / 2), seconds),
            load(second.info.port, info, Math.floor(connections / 2), seconds),
          ]),
      }
      const round = async (layout, seconds) => {
        const { value: results, cpu } = await context.measure(`${layout} instance(s)`, () =>
          layouts[layout](seconds),
        )
        const requests = results.reduce((sum, r) => sum + r.requests.total, 0)
        const bad = results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0)
        if (bad > 0) failures.push(`${layout}: ${bad} requests failed or answered non-2xx`)
        return {
          writesPerSecond: requests / seconds,
          // The slower instance's p99: the latency a client of the deployment can see.
          p99: Math.max(...results.map((r) => r.latency.p99)),
          p50: Math.max(...results.map((r) => r.latency.p50)),
          cores: cpu.cores,
          others: cpu.others,
        }
      }
      if (warmup > 0) for (const layout of ['one', 'two']) await round(layout, warmup)
      for (let i = 1; i <= rounds; i++) {
        for (const layout of i % 2 ? ['one', 'two'] : ['two', 'one']) {
          const result = await round(layout, duration)
          measured[layout].push(result)
          log(
            `round ${i}/${rounds} ${layout}: ${integer(result.writesPerSecond)} writes/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
          )
        }
      }
    } finally {
      worker?.kill('SIGTERM')
      await new Promise((resolve) =>
        worker && worker.exitCode === null ? worker.once('exit', resolve) : resolve(),
      )
      for (const instance of instances.reverse()) await instance.stop()
      await server.drop()
    }
    const summary = (list) => ({
      writesPerSecond: Math.round(median(list.map((r) => r.writesPerSecond))),
      p50: round3(median(list.map((r) => r.p50))),
      p99: round3(median(list.map((r) => r.p99))),
    })
    const one = summary(measured.one)
    const two = summary(measured.two)
    return {
      settings: { connections, durationSeconds: duration, rounds, warmupSeconds: warmup },
      summary:
        `PostgreSQL 15 on the same machine; ${connections} connections recording contacts on 50 disputes, each write ` +
        'with its own Idempotency-Key; one instance, or two instances with half the connections each, and a worker; ' +
        `${rounds} × ${duration} s rounds, alternating.`,
      tables: [
        {
          columns: [
            { key: 'layout', label: 'deployment' },
            { key: 'writesPerSecond', label: 'writes/s (median)', numeric: true },
            { key: 'p50', label: 'p50 ms', numeric: true },
            { key: 'p99', label: 'p99 ms (slower instance)', numeric: true },
          ],
          rows: [
            { layout: 'one gateway instance', ...one },
            { layout: 'two gateway instances and a worker', ...two },
          ],
        },
      ],
      bars: [],
      notes: [
        `Two instances: ${round3(two.writesPerSecond / one.writesPerSecond)}× the writes of one. Every write takes the ` +
          'append lock of the audit log and the outbox until it commits, so the instances take turns there; see ' +
          'docs/performance.md for where that stops.',
      ],
      data: { measured },
      failures,
    }
  },
}
