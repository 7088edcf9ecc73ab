import { readFileSync } from 'node:fs'
import { corpus, corpusOptions, readThrough, short } from '../lib/corpus-cache.mjs'
import { postgresCorpus } from '../lib/postgres-corpus.mjs'
import { integer, median, round3 } from '../lib/stats.mjs'

const parts = new URL('../lib/scale-parts.mjs', import.meta.url).href

/** Whole-table reports, as the city bureau asks for them: everything it has ever received. */
const cases = [
  { key: 'totals', label: '`GET /v1/stats`, totals', query: '' },
  { key: 'month', label: '`GET /v1/stats?group_by=month`', query: '?group_by=month' },
  { key: 'enterprise', label: '`GET /v1/stats?group_by=enterprise`', query: '?group_by=enterprise' },
]

/** The bar of the whole-table totals, in seconds, per backend. */
const bars = { sqlite: 0.5, postgres: 1 }

/**
 * The floor of a whole-table report: one statement reading the same rows and the columns the
 * indicators read most, straight through the driver, no gateway.
 */
const floorSql =
  'select count(*), sum(refunded_amount), count(accepted_at), count(first_contact_at), count(feedback_satisfaction), ' +
  "sum(case when status = 'closed' then 1 else 0 end) from disputes where assigned_at < $1"

async function floorReader(backend, location) {
  if (backend === 'sqlite') {
    const { default: SQLite } = await import('better-sqlite3')
    const db = new SQLite(location, { readonly: true })
    const statement = db.prepare(floorSql.replace('$1', '?'))
    return { run: (now) => statement.raw(true).get(now), close: () => db.close() }
  }
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: location })
  await client.connect()
  await client.query('set jit = off')
  return { run: (now) => client.query(floorSql, [now]), close: () => client.end() }
}

async function timed(work) {
  const begin = performance.now()
  await work()
  return (performance.now() - begin) / 1000
}

/**
 * Whole-table `GET /v1/stats` with a million disputes stored, on the embedded database and on
 * PostgreSQL: the same cached corpus (lib/dispute-corpus.mjs) served by the real gateway in a
 * process of its own, asked by the root regulator; each report timed alone, beside the floor
 * of reading the same rows in one statement.
 */
export default {
  name: 'stats',
  description:
    'whole-table GET /v1/stats at 1,000,000 disputes on SQLite and PostgreSQL vs one statement reading the same rows (bars: 0.5 s / 1 s)',
  defaults: { rounds: 5, warmup: 1 },
  options: {
    ...corpusOptions,
  },
  async run(context) {
    const { options, log } = context
    const { rounds, warmup, size, enterprises } = options
    const built = await corpus(context, size, enterprises)
    const meta = JSON.parse(readFileSync(built.meta, 'utf8'))
    const databaseUrl = await postgresCorpus(built.database, log)
    await readThrough(built.database)

    const backends = {
      sqlite: { location: built.database, service: { sqlitePath: built.database, metaPath: built.meta } },
      postgres: {
        location: databaseUrl,
        service: { sqlitePath: built.database, metaPath: built.meta, databaseUrl },
      },
    }
    const failures = []
    const rows = []
    const results = {}
    const measuredBars = []
    for (const [backend, { location, service }] of Object.entries(backends)) {
      const gateway = await context.service(`gateway ${backend}`, parts, 'startCorpusGateway', service)
      const floor = await floorReader(backend, location)
      try {
        const { port, regulatorToken } = gateway.info
        const report = async (c) => {
          const res = await fetch(`http://127.0.0.1:${port}/v1/stats${c.query}`, {
            headers: { authorization: `Bearer ${regulatorToken}` },
          })
          const body = await res.json()
          if (res.status !== 200) throw new Error(`${c.key}: ${res.status} ${JSON.stringify(body)}`)
          const received = body.data.reduce((sum, group) => sum + group.received, 0)
          if (received !== size) throw new Error(`${c.key}: counted ${received} disputes, not ${size}`)
        }
        const now = new Date().toISOString()
        for (let i = 0; i < warmup; i++) {
          for (const c of cases) await report(c)
          await floor.run(now)
        }
        const seconds = Object.fromEntries([...cases.map((c) => [c.key, []]), ['floor', []]])
        for (let i = 1; i <= rounds; i++) {
          for (const c of cases) {
            const { value } = await context.measure(`${backend} ${c.key} ${i}`, () => timed(() => report(c)))
            seconds[c.key].push(value)
          }
          const { value } = await context.measure(`${backend} floor ${i}`, () => timed(() => floor.run(now)))
          seconds.floor.push(value)
          log(
            `round ${i}/${rounds} ${backend}: ${[...cases.map((c) => c.key), 'floor']
              .map((key) => `${key} ${seconds[key].at(-1).toFixed(3)} s`)
              .join(', ')}`,
          )
        }
        const floorMedian = median(seconds.floor)
        results[backend] = seconds
        for (const c of cases) {
          rows.push({
            backend,
            case: c.label,
            median: round3(median(seconds[c.key])),
            max: round3(Math.max(...seconds[c.key])),
            floor: round3(floorMedian),
            times: round3(median(seconds[c.key]) / floorMedian),
          })
        }
        const worst = Math.max(...seconds.totals)
        measuredBars.push({
          bar: `${backend}: whole-table totals < ${bars[backend]} s (the slowest of ${rounds})`,
          value: `${round3(worst)} s`,
          met: size >= 1_000_000 ? worst < bars[backend] : null,
        })
      } catch (error) {
        failures.push(`${backend}: ${error.message}`)
      } finally {
        await floor.close()
        await gateway.stop()
      }
    }
    return {
      settings: { size, enterprises, rounds, warmup, cachedCorpus: !built.built },
      summary:
        `${integer(size)} disputes over ${enterprises} enterprises and two years (${integer(meta.byStatus.closed ?? 0)} closed), ` +
        `every one in the report; the root regulator asks; each report timed alone, ${rounds} rounds after ${warmup} warm-up. ` +
        `The floor: \`${floorSql}\` through the driver.`,
      tables: [
        {
          columns: [
            { key: 'backend', label: 'database' },
            { key: 'case', label: 'report' },
            { key: 'median', label: 'median s', numeric: true },
            { key: 'max', label: 'slowest s', numeric: true },
            { key: 'floor', label: 'floor s', numeric: true },
            { key: 'times', label: '× floor', numeric: true },
          ],
          rows,
        },
      ],
      bars: measuredBars,
      notes:
        size >= 1_000_000
          ? []
          : [`The bars are for 1,000,000 disputes; this run (${short(size)}) does not judge them.`],
      data: { results },
      failures,
    }
  },
}
