import { readFileSync } from 'node:fs'
import { corpus, corpusOptions, readThrough, short } from '../lib/corpus-cache.mjs'
import { postgresCorpus } from '../lib/postgres-corpus.mjs'
import { integer, median, round3 } from '../lib/stats.mjs'

const scaleParts = new URL('../lib/scale-parts.mjs', import.meta.url).href
const supervisionParts = new URL('../lib/supervision-parts.mjs', import.meta.url).href

/** The league tables a bureau asks for over everything it holds, and the report they rank. */
const reports = [
  {
    key: 'settlement',
    label: '`GET /v1/stats/rankings?metric=settlement_rate`',
    path: '/v1/stats/rankings?metric=settlement_rate',
  },
  {
    key: 'on_time',
    label: '`GET /v1/stats/rankings?metric=on_time_rate`',
    path: '/v1/stats/rankings?metric=on_time_rate',
  },
  {
    key: 'by_enterprise',
    label: '`GET /v1/stats?group_by=enterprise` (for comparison)',
    path: '/v1/stats?group_by=enterprise',
  },
]

/** Bars, in seconds, for the slowest of the rounds; SQLite's are reported against the same number. */
const BAR_SECONDS = 1
const CSV_ROWS_PER_SECOND = 50_000

async function timedJson(port, token, path) {
  const begin = performance.now()
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const body = await res.json()
  const seconds = (performance.now() - begin) / 1000
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`)
  return { seconds, body }
}

/**
 * Supervision at 1,000,000 disputes (the `stats` corpus, with its repeat complainants and
 * urges), on SQLite and on the PostgreSQL copy, served by the real gateway in a process of
 * its own and asked by the root regulator: rankings over the whole table; one run of the
 * risk-signals job (the gateway's own code, its thresholds, two weekly windows) as of the
 * corpus's last day; and the whole dispute register as streamed CSV, read to the end by a
 * client in a process of its own that samples the gateway's resident memory as it goes.
 */
export default {
  name: 'supervision',
  description:
    'rankings, a risk-signals run and the whole register as CSV at 1,000,000 disputes on SQLite and PostgreSQL (bars: < 1 s on PostgreSQL; CSV ≥ 50,000 rows/s, memory flat)',
  defaults: { rounds: 5, warmup: 1 },
  options: {
    ...corpusOptions,
    exports: { default: 2, min: 1, max: 10, description: 'CSV exports of the whole register per database' },
  },
  async run(context) {
    const { options, log } = context
    const { rounds, warmup, size, enterprises, exports } = options
    const built = await corpus(context, size, enterprises)
    const meta = JSON.parse(readFileSync(built.meta, 'utf8'))
    const databaseUrl = await postgresCorpus(built.database, log)
    await readThrough(built.database)
    // The windows of the risk signals are the corpus's last week and the one before.
    const asOf = meta.span.to

    const backends = {
      sqlite: { sqlitePath: built.database, metaPath: built.meta },
      postgres: { sqlitePath: built.database, metaPath: built.meta, databaseUrl },
    }
    const failures = []
    const reportRows = []
    const signalRows = []
    const csvRows = []
    const bars = []
    const results = {}
    for (const [backend, service] of Object.entries(backends)) {
      const gateway = await context.service(`gateway ${backend}`, scaleParts, 'startCorpusGateway', service)
      const runner = await context.service(
        `risk-signals ${backend}`,
        supervisionParts,
        'startRiskSignalRunner',
        {
          sqlitePath: service.sqlitePath,
          databaseUrl: service.databaseUrl,
          masterKey: meta.masterKey,
        },
      )
      const reader = await context.service(`csv client ${backend}`, supervisionParts, 'startCsvReader')
      const result = { reports: {}, signals: [], csv: [] }
      results[backend] = result
      try {
        const { port, regulatorToken } = gateway.info

        // Rankings, each timed alone.
        for (let i = 0; i < warmup; i++)
          for (const r of reports) await timedJson(port, regulatorToken, r.path)
        for (const r of reports) result.reports[r.key] = []
        let ranked = 0
        for (let i = 1; i <= rounds; i++) {
          for (const r of reports) {
            const { value } = await context.measure(`${backend} ${r.key} ${i}`, () =>
              timedJson(port, regulatorToken, r.path),
            )
            result.reports[r.key].push(value.seconds)
            if (r.key === 'settlement') ranked = value.body.data.length
          }
          log(
            `round ${i}/${rounds} ${backend}: ${reports.map((r) => `${r.key} ${result.reports[r.key].at(-1).toFixed(3)} s`).join(', ')}`,
          )
        }
        for (const r of reports) {
          reportRows.push({
            backend,
            report: r.label,
            median: round3(median(result.reports[r.key])),
            max: round3(Math.max(...result.reports[r.key])),
          })
        }
        const slowestRanking = Math.max(...result.reports.settlement, ...result.reports.on_time)
        bars.push({
          bar: `${backend}: whole-table rankings < ${BAR_SECONDS} s (the slowest of ${rounds} × 2)`,
          value: `${round3(slowestRanking)} s (${ranked} ranked)`,
          met: backend === 'postgres' && size >= 1_000_000 ? slowestRanking < BAR_SECONDS : null,
        })

        // The risk-signals job: the first run raises what it finds (the signals a cached
        // corpus kept from an earlier run are forgotten first), later runs find it again.
        await runner.call('forget')
        for (let i = 1; i <= rounds; i++) {
          const { value } = await context.measure(`${backend} risk-signals ${i}`, () =>
            runner.call('run', asOf),
          )
          result.signals.push(value)
          log(
            `risk-signals ${i}/${rounds} ${backend}: ${value.seconds.toFixed(3)} s, ${value.seen} signals (${value.raised} raised), ${value.keyed} phones keyed`,
          )
        }
        const signalSeconds = result.signals.map((s) => s.seconds)
        const later = signalSeconds.length > 1 ? signalSeconds.slice(1) : signalSeconds
        const stored = await runner.call('stored')
        signalRows.push({
          backend,
          first: round3(signalSeconds[0]),
          median: round3(median(later)),
          max: round3(Math.max(...later)),
          signals: result.signals.at(-1).seen,
          kinds: Object.entries(stored)
            .map(([kind, count]) => `${kind} ${count}`)
            .join(', '),
        })
        bars.push({
          bar: `${backend}: one risk-signals run < ${BAR_SECONDS} s (the slowest of ${rounds}, the first included)`,
          value: `${round3(Math.max(...signalSeconds))} s`,
          met: backend === 'postgres' && size >= 1_000_000 ? Math.max(...signalSeconds) < BAR_SECONDS : null,
        })

        // The whole register as CSV, streamed.
        for (let i = 1; i <= exports; i++) {
          const { value } = await context.measure(`${backend} csv ${i}`, () =>
            reader.call('read', {
              port,
              token: regulatorToken,
              path: '/v1/disputes?format=csv',
              gatewayPid: gateway.pid,
            }),
          )
          if (!value.bom) throw new Error('the CSV does not start with a byte-order mark')
          // One header line and one line per dispute: a field with a line break would show here.
          if (value.lines !== size + 1) throw new Error(`the CSV has ${value.lines} lines, not ${size + 1}`)
          const mib = value.samples.map((s) => s.mib)
          const settled = value.samples.filter((s) => s.at >= value.seconds / 2).map((s) => s.mib)
          const run = {
            seconds: value.seconds,
            rowsPerSecond: size / value.seconds,
            mibPerSecond: value.bytes / 2 ** 20 / value.seconds,
            firstByteSeconds: value.firstByteSeconds,
            rssBefore: mib[0],
            rssPeak: Math.max(...mib),
            rssHalfway: settled[0],
            rssEnd: mib.at(-1),
            samples: value.samples,
          }
          result.csv.push(run)
          log(
            `csv ${i}/${exports} ${backend}: ${value.seconds.toFixed(1)} s, ${integer(Math.round(run.rowsPerSecond))} rows/s, ` +
              `RSS ${run.rssBefore.toFixed(0)} → peak ${run.rssPeak.toFixed(0)} MiB`,
          )
        }
        const slowest = result.csv.reduce((a, b) => (a.rowsPerSecond < b.rowsPerSecond ? a : b))
        const growth = Math.max(...result.csv.map((r) => r.rssPeak - r.rssHalfway))
        for (const [i, run] of result.csv.entries()) {
          csvRows.push({
            backend,
            export: i + 1,
            seconds: round3(run.seconds),
            rows: integer(Math.round(run.rowsPerSecond)),
            mib: round3(run.mibPerSecond),
            first: round3(run.firstByteSeconds),
            before: Math.round(run.rssBefore),
            halfway: Math.round(run.rssHalfway),
            peak: Math.round(run.rssPeak),
          })
        }
        bars.push({
          bar: `${backend}: the whole register as CSV ≥ ${integer(CSV_ROWS_PER_SECOND)} rows/s (the slowest of ${exports})`,
          value: `${integer(Math.round(slowest.rowsPerSecond))} rows/s`,
          met: size >= 1_000_000 ? slowest.rowsPerSecond >= CSV_ROWS_PER_SECOND : null,
        })
        bars.push({
          bar: `${backend}: gateway memory flat while exporting (peak − RSS at the halfway point < 32 MiB)`,
          value: `${round3(growth)} MiB`,
          met: size >= 1_000_000 ? growth < 32 : null,
        })
      } catch (error) {
        failures.push(`${backend}: ${error.message}`)
      } finally {
        await reader.stop()
        await runner.stop()
        await gateway.stop()
      }
    }
    return {
      settings: { size, enterprises, rounds, warmup, exports, asOf, cachedCorpus: !built.built },
      summary:
        `${integer(size)} disputes over ${enterprises} enterprises and two years, the root regulator asking; ` +
        `rankings timed alone, ${rounds} rounds after ${warmup} warm-up; the risk-signals job run ${rounds} times as of ${asOf.slice(0, 10)} ` +
        `(the first raises, the others find the same); the register exported ${exports} times per database.`,
      tables: [
        {
          title: 'Rankings over the whole table',
          columns: [
            { key: 'backend', label: 'database' },
            { key: 'report', label: 'report' },
            { key: 'median', label: 'median s', numeric: true },
            { key: 'max', label: 'slowest s', numeric: true },
          ],
          rows: reportRows,
        },
        {
          title: 'One run of the risk-signals job (this week and last)',
          columns: [
            { key: 'backend', label: 'database' },
            { key: 'first', label: 'first run s (raises)', numeric: true },
            { key: 'median', label: 'later runs, median s', numeric: true },
            { key: 'max', label: 'later runs, slowest s', numeric: true },
            { key: 'signals', label: 'signals', numeric: true },
            { key: 'kinds', label: 'stored, by kind' },
          ],
          rows: signalRows,
        },
        {
          title: 'The whole register as CSV (`GET /v1/disputes?format=csv`)',
          columns: [
            { key: 'backend', label: 'database' },
            { key: 'export', label: 'export', numeric: true },
            { key: 'seconds', label: 's', numeric: true },
            { key: 'rows', label: 'rows/s', numeric: true },
            { key: 'mib', label: 'MiB/s', numeric: true },
            { key: 'first', label: 'first byte s', numeric: true },
            { key: 'before', label: 'RSS before MiB', numeric: true },
            { key: 'halfway', label: 'RSS halfway MiB', numeric: true },
            { key: 'peak', label: 'RSS peak MiB', numeric: true },
          ],
          rows: csvRows,
        },
      ],
      bars,
      notes:
        size >= 1_000_000
          ? []
          : [`The bars are for 1,000,000 disputes; this run (${short(size)}) does not judge them.`],
      data: { results },
      failures,
    }
  },
}
