import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The real gateway as `pnpm start` builds it, on a fresh SQLite file in a temporary folder,
 * listening on the loopback address. It comes from `@hejie/gateway`, the built package,
 * which is what ships. `seed(app, database)` may fill the database before the port is reported.
 * `sqlitePath` serves an existing database file instead (left in place on close);
 * `postgres: true` a fresh PostgreSQL database instead (lib/postgres.mjs, dropped on close),
 * `databaseUrl` an existing PostgreSQL database (left in place).
 */
export async function startGateway({
  config: overrides = {},
  seed,
  sqlitePath,
  postgres = false,
  databaseUrl,
} = {}) {
  const { buildApp, loadConfig, openDatabase, migrateToLatest } = await import('@hejie/gateway')
  const directory = await mkdtemp(join(tmpdir(), 'hejie-bench-'))
  const server = postgres ? await (await import('./postgres.mjs')).freshPostgresDatabase() : undefined
  try {
    // An empty environment: a DATABASE_URL or REDIS_URL in the shell must not change what
    // is measured. The rate limit is raised so that it counts requests but never refuses one.
    const config = loadConfig(
      {},
      {
        logLevel: 'silent',
        sqlitePath: sqlitePath ?? join(directory, 'hejie.db'),
        ...(server ? { databaseUrl: server.url } : databaseUrl ? { databaseUrl } : {}),
        rateLimitMax: 10_000_000,
        // Signing keys sealed with a throwaway key: a benchmark leaves no key file behind.
        masterKey: randomBytes(32).toString('base64'),
        ...overrides,
      },
    )
    const database = openDatabase({ sqlitePath: config.sqlitePath, databaseUrl: config.databaseUrl })
    await migrateToLatest(database)
    const app = await buildApp({ config, database })
    const info = seed ? await seed(app, database) : undefined
    await app.listen({ port: 0, host: '127.0.0.1' })
    return {
      app,
      database,
      port: app.server.address().port,
      info,
      async close() {
        try {
          await app.close()
        } finally {
          await rm(directory, { recursive: true, force: true })
          await server?.drop()
        }
      },
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true })
    await server?.drop()
    throw error
  }
}
