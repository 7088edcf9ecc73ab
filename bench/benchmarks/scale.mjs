import { readFileSync } from 'node:fs'
import { corpus, readThrough, short } from '../lib/corpus-cache.mjs'
import { BenchmarkFailure } from '../lib/harness.mjs'
import { integer, median, round3 } from '../lib/stats.mjs'

const parts = new URL('../lib/scale-parts.mjs', import.meta.url).href
const BAR = 1.2

/** Cursors are the gateway's: base64url JSON of the last id shown (services/pagination.ts). */
const cursorAfter = (id) => Buffer.from(JSON.stringify([id])).toString('base64url')

/** What is measured, each with the same load on both corpora. */
const cases = [
  {
    key: 'list',
    label: 'enterprise: `GET /v1/disputes?limit=20`, first page',
    token: 'enterpriseToken',
    paths: () => ['/v1/disputes?limit=20'],
    expect: { items: 20 },
  },
  {
    key: 'deep',
    label: 'enterprise: the same, a page half-way down its list (`cursor`)',
    token: 'enterpriseToken',
    paths: (meta) => [`/v1/disputes?limit=20&cursor=${cursorAfter(meta.deepCursorAfter)}`],
    expect: { items: 20 },
  },
  {
    key: 'status',
    label: 'enterprise: `GET /v1/disputes?status=assigned&limit=20`',
    token: 'enterpriseToken',
    paths: () => ['/v1/disputes?status=assigned&limit=20'],
    expect: { items: 20, status: 'assigned' },
  },
  {
    key: 'regulator',
    label: 'regulator: `GET /v1/disputes?limit=20`, all enterprises',
    token: 'regulatorToken',
    paths: () => ['/v1/disputes?limit=20'],
    expect: { items: 20 },
  },
  {
    key: 'fetch',
    label: 'enterprise: `GET /v1/disputes/{id}`, 2,000 of its ids at random',
    token: 'enterpriseToken',
    paths: (meta) => meta.sampleIds.map((id) => `/v1/disputes/${id}`),
    expect: {},
  },
]

/** A plan step that reads every matching row before the first is returned. */
const suspicious = (detail) => /TEMP B-TREE|^SCAN disputes$/.test(detail)

/**
 * Latency of list and fetch with a million disputes stored against ten thousand: two
 * corpora made once per schema version and cached, each served by the real gateway in a
 * process of its own, the same cases and load on both in alternating rounds.
 */
export default {
  name: 'scale',
  description: 'list and fetch latency with 1,000,000 disputes stored vs 10,000 (bar: within 1.2×)',
  defaults: { duration: 10, rounds: 3, warmup: 3, connections: 8 },
  options: {
    size: { default: 1_000_000, min: 1_000, max: 50_000_000, description: 'disputes in the large corpus' },
    base: { default: 10_000, min: 1_000, max: 50_000_000, description: 'disputes in the small corpus' },
    enterprises: {
      default: 270,
      min: 10,
      max: 100_000,
      description: 'enterprises the disputes are spread over',
    },
  },
  async run(context) {
    const { options, log } = context
    const { duration, rounds, warmup, connections, size, base, enterprises } = options
    if (base >= size) return { failures: [`--base (${base}) must be smaller than --size (${size})`] }
    const sizes = [base, size]
    const corpora = {}
    for (const n of sizes) corpora[n] = await corpus(context, n, enterprises)
    const metas = {}
    for (const n of sizes) metas[n] = JSON.parse(readFileSync(corpora[n].meta, 'utf8'))

    // The SQL the gateway runs for each case on the large corpus, and SQLite's plan for it.
    const planner = await context.service('plans', parts, 'startPlanReader', {
      sqlitePath: corpora[size].database,
    })
    const plans = await planner.call('plans', {
      enterpriseId: metas[size].measured.enterpriseId,
      deepCursorAfter: metas[size].deepCursorAfter,
      disputeId: metas[size].sampleIds[0],
    })
    await planner.stop()

    for (const n of sizes) await readThrough(corpora[n].database)
    const gateways = {}
    for (const n of sizes) {
      gateways[n] = await context.service(`gateway ${short(n)}`, parts, 'startCorpusGateway', {
        sqlitePath: corpora[n].database,
        metaPath: corpora[n].meta,
      })
    }
    const client = await context.service('client', parts, 'startScaleClient', { connections })
    const failures = []
    const target = (c, n) => ({
      port: gateways[n].info.port,
      token: gateways[n].info[c.token],
      paths: c.paths(metas[n]),
      expect: c.expect,
    })
    const round = async (c, n, seconds) => {
      const gatewayName = `gateway ${short(n)}`
      const { value, cpu } = await context.measure(`${c.key} ${short(n)}`, () =>
        client.call('run', target(c, n), seconds, connections),
      )
      if (value.errors > 0)
        failures.push(`${c.key} at ${short(n)}: ${value.errors} failed requests (${value.lastError})`)
      return { ...value, gatewayCores: cpu.cores[gatewayName], others: cpu.others }
    }

    // One request per case and corpus first: a wrong answer fails the run before any load.
    for (const c of cases) {
      for (const n of sizes) {
        await client.call('check', target(c, n)).catch((error) => {
          throw new BenchmarkFailure(`${c.key} at ${short(n)}: ${error.message.split('\n')[0]}`)
        })
      }
    }
    if (warmup > 0) {
      for (const c of cases) for (const n of sizes) await round(c, n, warmup)
    }
    const measured = Object.fromEntries(
      cases.map((c) => [c.key, Object.fromEntries(sizes.map((n) => [n, []]))]),
    )
    for (let i = 1; i <= rounds; i++) {
      for (const c of cases) {
        // Alternating which corpus goes first, so drift on the machine falls on both alike.
        for (const n of i % 2 ? sizes : [...sizes].reverse()) {
          const result = await round(c, n, duration)
          measured[c.key][n].push(result)
          log(
            `round ${i}/${rounds} ${c.key.padEnd(9)} ${short(n).padStart(5)}  ${integer(result.requestsPerSecond)} req/s` +
              `  p50 ${result.latencyMs.p50} ms  p99 ${result.latencyMs.p99} ms` +
              `  cpu: gateway ${result.gatewayCores?.toFixed(2)}, others ${result.others?.toFixed(2)}`,
          )
        }
      }
    }

    const summary = (list) => ({
      requestsPerSecond: Math.round(median(list.map((r) => r.requestsPerSecond))),
      p50: round3(median(list.map((r) => r.latencyMs.p50))),
      p99: round3(median(list.map((r) => r.latencyMs.p99))),
      gatewayCores: round3(median(list.map((r) => r.gatewayCores ?? 0))),
    })
    const rows = []
    const bars = []
    const results = {}
    const judged = size >= 1_000_000 && base <= 10_000
    for (const c of cases) {
      const small = summary(measured[c.key][base])
      const large = summary(measured[c.key][size])
      const p50Ratio = round3(large.p50 / small.p50)
      const p99Ratio = round3(large.p99 / small.p99)
      results[c.key] = { [base]: small, [size]: large, p50Ratio, p99Ratio }
      for (const [n, s] of [
        [base, small],
        [size, large],
      ]) {
        rows.push({
          case: c.label,
          disputes: n,
          ...s,
          ratio: n === size ? `${p50Ratio.toFixed(2)} / ${p99Ratio.toFixed(2)}` : '',
        })
      }
      bars.push({
        bar: `${c.key}: p50 and p99 at ${integer(size)} within ${BAR}× of ${integer(base)}`,
        value: `${p50Ratio.toFixed(2)}× / ${p99Ratio.toFixed(2)}×`,
        met: judged ? p50Ratio <= BAR && p99Ratio <= BAR : null,
      })
    }

    const planNotes = []
    const flagged = []
    for (const c of cases) {
      for (const query of plans[c.key]) {
        planNotes.push(`- ${c.key}: \`${query.sql}\` → ${query.plan.map((d) => `\`${d}\``).join('; ')}`)
        if (query.plan.some(suspicious)) flagged.push(c.key)
      }
    }
    const big = metas[size]
    return {
      settings: {
        sizes,
        enterprises,
        measuredEnterpriseDisputes: { [base]: metas[base].measured.disputes, [size]: big.measured.disputes },
        connections,
        durationSeconds: duration,
        rounds,
        warmupSeconds: warmup,
        cachedCorpora: sizes.filter((n) => !corpora[n].built),
      },
      summary:
        `corpora of ${integer(base)} and ${integer(size)} disputes over ${enterprises} enterprises (Zipf-like: the largest ` +
        `holds ${integer(metas[base].measured.disputes)} and ${integer(big.measured.disputes)}), created over two years, ` +
        'every status; each served by the real gateway in a process of its own; the measured enterprise is the largest. ' +
        `One client process, ${connections} connections and requests in flight; ${warmup} s warm-up per case and corpus, then ` +
        `${rounds} × ${duration} s rounds per case, alternating the corpora.`,
      tables: [
        {
          columns: [
            { key: 'case', label: 'case' },
            { key: 'disputes', label: 'disputes stored', numeric: true },
            { key: 'requestsPerSecond', label: 'requests/s (median)', numeric: true },
            { key: 'p50', label: 'p50 ms', numeric: true },
            { key: 'p99', label: 'p99 ms', numeric: true },
            { key: 'gatewayCores', label: 'gateway cores', numeric: true },
            { key: 'ratio', label: `${short(size)}/${short(base)} p50 / p99`, numeric: true },
          ],
          rows,
        },
      ],
      bars,
      notes: [
        `Query plans on the ${integer(size)}-dispute corpus (\`EXPLAIN QUERY PLAN\` of the SQL the gateway ran):`,
        planNotes.join('\n'),
        ...(flagged.length > 0
          ? [
              `Plans that read every matching row before answering (a sort or a full scan): ${[...new Set(flagged)].join(', ')}.`,
            ]
          : []),
        ...(judged
          ? []
          : [
              `The bar is for 1,000,000 against 10,000 disputes; this run (${integer(size)} against ${integer(base)}) does not judge it.`,
            ]),
      ],
      data: {
        results,
        rounds: measured,
        plans,
        corpora: Object.fromEntries(
          sizes.map((n) => {
            const { sampleIds: _ids, clients: _clients, masterKey: _key, ...facts } = metas[n]
            return [n, facts]
          }),
        ),
      },
      failures,
    }
  },
}
