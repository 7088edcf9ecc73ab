// The scale benchmark's parts that run in processes of their own (lib/service.mjs): the
// real gateway serving a cached dispute corpus (lib/dispute-corpus.mjs), a client that keeps
// requests in flight, and the query plans of the list and fetch queries.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { latencySummary } from './stats.mjs'
import { importFromSdk } from './workspace.mjs'

const gatewayPackage = new URL('../../packages/gateway/package.json', import.meta.url)

/** The gateway's own Kysely, so that the SQL captured is what the gateway sends. */
function importFromGateway(specifier) {
  return import(pathToFileURL(createRequire(gatewayPackage).resolve(specifier)).href)
}

/**
 * The real gateway (lib/gateway.mjs) serving a cached corpus in place (or its PostgreSQL copy,
 * lib/postgres-corpus.mjs, at `databaseUrl`), with access tokens
 * for the regulator and the measured enterprise in `info`. The deadline scanner is set to
 * an hour: the corpus holds what the scanner would have marked when it was built, and
 * whatever fell due since (more, the older the cache) must not be written while measuring.
 */
export async function startCorpusGateway({ sqlitePath, metaPath, databaseUrl }) {
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'))
  const { startGateway } = await import('./gateway.mjs')
  const gateway = await startGateway({
    sqlitePath,
    databaseUrl,
    config: { masterKey: meta.masterKey, deadlineScanIntervalMs: 3_600_000 },
    async seed(app) {
      const token = async ({ clientId, clientSecret }) => {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/oauth/token',
          payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        })
        if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`)
        return res.json().access_token
      }
      return {
        enterpriseToken: await token(meta.clients.enterprise),
        regulatorToken: await token(meta.clients.regulator),
      }
    },
  })
  return { ...gateway, info: { ...gateway.info, port: gateway.port } }
}

/**
 * A client in a process of its own: keeps `concurrency` requests in flight for `seconds`
 * against one gateway, each to the next of `paths` (in turn), checks every answer (200, a
 * page of `expect.items`, or the dispute asked for) and reports the latencies.
 */
export async function startScaleClient({ connections }) {
  const { Agent, request } = await importFromSdk('undici')
  const dispatcher = new Agent({ connections })
  return {
    /** One request to the first path, before any load: throws unless the answer is right. */
    async check(target) {
      const result = await this.run({ ...target, paths: target.paths.slice(0, 1), once: true }, 60, 1)
      if (result.errors > 0) throw new Error(result.lastError)
    },
    async run({ port, token, paths, expect, once = false }, seconds, concurrency) {
      const headers = { authorization: `Bearer ${token}`, accept: 'application/json' }
      const millis = []
      let errors = 0
      let lastError = null
      let next = 0
      const begin = performance.now()
      const until = begin + seconds * 1000
      const lane = async () => {
        while (performance.now() < until && !(once && next > 0)) {
          const path = paths[next++ % paths.length]
          const started = performance.now()
          try {
            const response = await request(`http://127.0.0.1:${port}${path}`, { dispatcher, headers })
            const text = await response.body.text()
            const elapsed = performance.now() - started
            if (response.statusCode !== 200)
              throw new Error(`${path} answered ${response.statusCode}: ${text.slice(0, 200)}`)
            const body = JSON.parse(text)
            if (expect.items !== undefined && body?.data?.length !== expect.items) {
              throw new Error(`${path}: ${body?.data?.length} items, not ${expect.items}`)
            }
            if (expect.items === undefined && `/v1/disputes/${body?.id}` !== path) {
              throw new Error(`${path} answered dispute ${body?.id}`)
            }
            if (expect.status && body.data.some((d) => d.status !== expect.status)) {
              throw new Error(`${path}: a dispute not ${expect.status}`)
            }
            millis.push(elapsed)
          } catch (error) {
            errors += 1
            lastError = String(error?.message ?? error)
          }
        }
      }
      await Promise.all(Array.from({ length: concurrency }, lane))
      const wall = (performance.now() - begin) / 1000
      return {
        requests: millis.length,
        seconds: wall,
        requestsPerSecond: millis.length / wall,
        latencyMs: latencySummary(millis),
        errors,
        lastError,
      }
    },
    close: () => dispatcher.close(),
  }
}

/**
 * The SQL the gateway runs for each measured case, captured from its own `listDisputes` and
 * `getDispute` on the corpus (a read-only connection, the gateway's Kysely), and SQLite's
 * `EXPLAIN QUERY PLAN` of each.
 */
export async function startPlanReader({ sqlitePath }) {
  const [{ default: SQLite }, { Kysely, SqliteDialect }, { encodeCursor, getDispute, listDisputes }] =
    await Promise.all([import('better-sqlite3'), importFromGateway('kysely'), import('@hejie/gateway')])
  const connection = new SQLite(sqlitePath, { readonly: true })
  let captured = []
  const db = new Kysely({
    dialect: new SqliteDialect({ database: connection }),
    log: (event) => {
      if (event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters })
    },
  })
  const capture = async (work) => {
    captured = []
    const begin = performance.now()
    await work()
    const millis = performance.now() - begin
    return captured.map(({ sql, parameters }) => ({
      sql,
      parameters,
      millis,
      plan: connection
        .prepare(`explain query plan ${sql}`)
        .all(...parameters)
        .map((row) => row.detail),
    }))
  }
  return {
    async plans({ enterpriseId, deepCursorAfter, disputeId }) {
      const enterprise = { role: 'enterprise', clientId: 'cli_plan', enterpriseId, scopes: new Set() }
      const regulator = { role: 'regulator', clientId: 'cli_plan', enterpriseId: null, scopes: new Set() }
      return {
        list: await capture(() => listDisputes(db, enterprise, { limit: 20 }, new Date())),
        deep: await capture(() =>
          listDisputes(db, enterprise, { limit: 20, cursor: encodeCursor([deepCursorAfter]) }, new Date()),
        ),
        status: await capture(() =>
          listDisputes(db, enterprise, { limit: 20, status: ['assigned'] }, new Date()),
        ),
        regulator: await capture(() => listDisputes(db, regulator, { limit: 20 }, new Date())),
        fetch: await capture(() => getDispute(db, enterprise, disputeId, new Date())),
      }
    },
    close: () => db.destroy(),
  }
}
