import { randomUUID } from 'node:crypto'
import { integer, round3 } from '../lib/stats.mjs'
import { importFromSdk } from '../lib/workspace.mjs'

const parts = new URL('../lib/write-cost-parts.mjs', import.meta.url).href

const contact = JSON.stringify({
  channel: 'phone',
  contacted_at: new Date(Date.now() + 240_000).toISOString(),
  reached: true,
  summary: 'Consumer reached; call back tomorrow with the refund amount.',
})

/**
 * What one write costs the gateway on the embedded database, counted rather than timed
 * against a baseline: the statements SQLite runs for it, its share of a commit (one fsync of
 * the write-ahead log each, shared by group commit), the bytes written to storage and the CPU
 * the gateway process spends, for `POST /v1/disputes/{id}/contacts` with an Idempotency-Key.
 */
export default {
  name: 'write-cost',
  description: 'statements, commits (fsyncs), bytes written and gateway CPU per contact write on SQLite',
  defaults: { rounds: 3, warmup: 1, connections: 32 },
  options: {
    writes: { default: 5_000, min: 100, max: 1_000_000, description: 'writes per round' },
  },
  async run(context) {
    const { rounds, warmup, connections, writes } = context.options
    const gateway = await context.service('gateway', parts, 'startCountedGateway')
    const { Agent, request } = await importFromSdk('undici')
    const dispatcher = new Agent({ connections })
    const { port, disputeIds, token } = gateway.info
    const write = async (i) => {
      const res = await request(
        `http://127.0.0.1:${port}/v1/disputes/${disputeIds[i % disputeIds.length]}/contacts`,
        {
          method: 'POST',
          dispatcher,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
          },
          body: contact,
        },
      )
      const text = await res.body.text()
      if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${text.slice(0, 300)}`)
    }
    const batch = async (count) => {
      let next = 0
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (next < count) await write(next++)
        }),
      )
    }
    if (warmup > 0) await batch(Math.min(writes, 1_000))
    const measured = []
    for (let round = 1; round <= rounds; round++) {
      const before = await gateway.call('counters')
      const { cpu } = await context.measure(`round ${round}`, () => batch(writes))
      const after = await gateway.call('counters')
      const result = {
        statements: round3((after.statements - before.statements) / writes),
        commits: round3((after.commits - before.commits) / writes),
        kibWritten: round3((after.writtenBytes - before.writtenBytes) / writes / 1024),
        cpuMicros: Math.round((cpu.cores.gateway * cpu.seconds * 1e6) / writes),
        writesPerSecond: Math.round(writes / cpu.seconds),
      }
      measured.push(result)
      context.log(
        `round ${round}/${rounds}: ${result.statements} statements, ${result.commits} commits, ` +
          `${result.kibWritten} KiB written, ${result.cpuMicros} µs of gateway CPU per write; ${integer(result.writesPerSecond)} writes/s`,
      )
    }
    await dispatcher.close()
    return {
      settings: { writes, rounds, warmup, connections },
      summary:
        `${integer(writes)} contact writes per round on 50 disputes, ${connections} in flight, each with its own ` +
        'Idempotency-Key; the gateway in a process of its own on a fresh SQLite file (WAL, synchronous=FULL), ' +
        'its statements counted where better-sqlite3 runs them, its CPU and written bytes read from /proc.',
      tables: [
        {
          columns: [
            { key: 'round', label: 'round' },
            { key: 'statements', label: 'statements per write', numeric: true },
            { key: 'commits', label: 'commits (fsyncs) per write', numeric: true },
            { key: 'kibWritten', label: 'KiB written per write', numeric: true },
            { key: 'cpuMicros', label: 'gateway CPU µs per write', numeric: true },
            { key: 'writesPerSecond', label: 'writes/s', numeric: true },
          ],
          rows: measured.map((m, i) => ({ round: i + 1, ...m })),
        },
      ],
      bars: [],
      notes: [
        'Statements include the savepoint and release that group commit wraps each write in, and the deadline ' +
          'scanner and webhook dispatcher polls that ran during the round (a few per second).',
      ],
      data: { measured },
      failures: [],
    }
  },
}
