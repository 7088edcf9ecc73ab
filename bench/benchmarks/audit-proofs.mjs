import { existsSync } from 'node:fs'
import { auditParts, cachedLog, exportLog, withGatewayOnCopy } from '../lib/audit-scenario.mjs'
import { BenchmarkFailure } from '../lib/harness.mjs'
import { integer, latencySummary, round3 } from '../lib/stats.mjs'
import { importFromSdk } from '../lib/workspace.mjs'

function randomLeaves(count, size) {
  return Array.from({ length: count }, () => Math.floor(Math.random() * size))
}

/** Each proof requested alone over one kept-alive connection, timed from request to parsed answer. */
async function timeHttpProofs(gateway, leaves, size) {
  const { request, Agent } = await importFromSdk('undici')
  const agent = new Agent({ connections: 1 })
  const millis = []
  try {
    for (const leaf of leaves) {
      const begin = performance.now()
      const response = await request(
        `http://127.0.0.1:${gateway.info.port}/v1/audit/proofs/inclusion?leaf_index=${leaf}&tree_size=${size}`,
        { dispatcher: agent, headers: { authorization: `Bearer ${gateway.info.token}` } },
      )
      const body = await response.body.json()
      millis.push(performance.now() - begin)
      if (response.statusCode !== 200 || body.leaf_index !== leaf || !Array.isArray(body.hashes)) {
        throw new BenchmarkFailure(
          `the proof of leaf ${leaf} answered ${response.statusCode}: ${JSON.stringify(body).slice(0, 300)}`,
        )
      }
    }
  } finally {
    await agent.close()
  }
  return millis
}

/**
 * Inclusion proofs in a log of a million entries: built through the append path once per
 * code version and cached in bench/.cache/, then proofs of random leaves timed one at a
 * time through the gateway's service function and over HTTP, and the log exported as the
 * offline bundle to a file (which `audit-verify` then verifies).
 */
export default {
  name: 'audit-proofs',
  description: 'inclusion proofs at 1,000,000 entries (service function and HTTP) and the streamed export',
  defaults: { warmup: 1 },
  options: {
    entries: { default: 1_000_000, min: 1_000, max: 100_000_000, description: 'entries in the log' },
    proofs: { default: 10_000, min: 10, max: 1_000_000, description: 'random leaves proved each way' },
    writers: { default: 64, min: 1, max: 1_000, description: 'writes in flight while the log is built' },
  },
  async run(context) {
    const { options, log } = context
    const { entries, proofs, writers, warmup } = options
    const built = await cachedLog(context, { entries, writers })
    if (built.built) log(`built in ${round3(built.seconds)} s: ${integer(built.perSecond)} entries/s`)

    return withGatewayOnCopy(context, built.database, async (gateway, copy) => {
      const service = await context.service('proofs', auditParts, 'startProofService', { sqlitePath: copy })
      const leaves = randomLeaves(proofs, entries)
      if (warmup > 0) {
        await service.call('time', randomLeaves(Math.min(1_000, proofs), entries), entries)
        await timeHttpProofs(gateway, randomLeaves(Math.min(1_000, proofs), entries), entries)
      }
      const direct = await context.measure('proofs, service function', () =>
        service.call('time', leaves, entries),
      )
      await service.stop()
      const overHttp = await context.measure('proofs, HTTP', () => timeHttpProofs(gateway, leaves, entries))
      const directSummary = latencySummary(direct.value)
      const httpSummary = latencySummary(overHttp.value)
      log(
        `proofs: service p50 ${directSummary.p50} ms p99 ${directSummary.p99} ms; HTTP p50 ${httpSummary.p50} ms p99 ${httpSummary.p99} ms`,
      )

      log('exporting the log over HTTP')
      const exported = await exportLog(context, gateway, built.export, entries)
      log(
        `exported ${integer(exported.lines)} lines, ${integer(exported.bytes / 2 ** 20)} MiB in ${round3(exported.seconds)} s`,
      )
      const row = (way, s, cpu) => ({
        way,
        samples: s.samples,
        p50: s.p50,
        p90: s.p90,
        p99: s.p99,
        max: s.max,
        cpu,
      })
      const latencyColumns = [
        { key: 'way', label: 'inclusion proof via' },
        { key: 'samples', label: 'proofs', numeric: true },
        { key: 'p50', label: 'median ms', numeric: true },
        { key: 'p90', label: 'p90 ms', numeric: true },
        { key: 'p99', label: 'p99 ms', numeric: true },
        { key: 'max', label: 'max ms', numeric: true },
      ]
      return {
        settings: {
          entries,
          proofs,
          treeSize: entries,
          buildWriters: writers,
          warmup,
          cachedLog: !built.built,
        },
        summary:
          `a log of ${integer(entries)} entries ${built.built ? `built in this run (${integer(built.perSecond)} entries/s through the append path with ${writers} writers)` : 'from bench/.cache/, built earlier by this code'}; ` +
          `${integer(proofs)} random leaves proved one at a time in the tree of size ${integer(entries)}, ` +
          'first through `proveInclusion` in a process of its own, then with `GET /v1/audit/proofs/inclusion` ' +
          'to the gateway over one kept-alive connection (request to parsed answer); then `GET /v1/audit/export` ' +
          'streamed to a file.',
        tables: [
          {
            columns: latencyColumns,
            rows: [
              row('`proveInclusion` (service function)', directSummary),
              row('`GET /v1/audit/proofs/inclusion` (HTTP, regulator token)', httpSummary),
            ],
          },
          {
            columns: [
              { key: 'what', label: 'export' },
              { key: 'lines', label: 'lines', numeric: true },
              { key: 'mib', label: 'MiB', numeric: true },
              { key: 'seconds', label: 'seconds', numeric: true },
              { key: 'perSecond', label: 'entries/s', numeric: true },
            ],
            rows: [
              {
                what: '`GET /v1/audit/export` streamed to a file',
                lines: exported.lines,
                mib: Math.round(exported.bytes / 2 ** 20),
                seconds: round3(exported.seconds),
                perSecond: Math.round((exported.lines - 3) / exported.seconds),
              },
            ],
          },
          ...(built.built
            ? [
                {
                  columns: [
                    { key: 'what', label: 'building the log' },
                    { key: 'seconds', label: 'seconds', numeric: true },
                    { key: 'perSecond', label: 'entries/s', numeric: true },
                  ],
                  rows: [
                    {
                      what: `${integer(entries)} entries through the append path, group commit, ${writers} writers`,
                      seconds: round3(built.seconds),
                      perSecond: Math.round(built.perSecond),
                    },
                  ],
                },
              ]
            : []),
        ],
        bars: [
          {
            bar: `inclusion proof < 2 ms at ${integer(entries)} entries (service function, median and p99)`,
            value: `${directSummary.p50} / ${directSummary.p99} ms`,
            met: entries >= 1_000_000 ? directSummary.p99 < 2 : null,
          },
          {
            bar: 'the same over HTTP (median and p99)',
            value: `${httpSummary.p50} / ${httpSummary.p99} ms`,
            met: entries >= 1_000_000 ? httpSummary.p99 < 2 : null,
          },
        ],
        notes: [
          `The export is kept as \`${built.export.slice(built.export.indexOf('bench/'))}\` for \`pnpm bench audit-verify\`.`,
          ...(existsSync(built.export) ? [] : ['The export file is missing after the run.']),
        ],
        data: { proofs: { service: directSummary, http: httpSummary }, export: exported, build: built },
      }
    })
  },
}
