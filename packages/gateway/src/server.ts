import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { type DemoCredentials, hasData, seedDemo } from './demo/seed.js'
import { createLogger } from './logger.js'
import { deadlinePolicyFrom } from './services/disputes/deadline-policy.js'
import { openDatabase } from './storage/database.js'
import { migrateToLatest } from './storage/migrator.js'

export function databaseOptionsFrom(config: Config) {
  return { databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, poolSize: config.databasePoolSize }
}

/**
 * Owns the process: opens and migrates the database, listens, and on SIGTERM/SIGINT stops
 * accepting connections, lets in-flight requests and workers finish, closes the database
 * and exits 0.
 */
export async function startServer(
  config: Config,
  options: { demo?: boolean } = {},
): Promise<FastifyInstance> {
  const logger = createLogger(config)
  const database = openDatabase(databaseOptionsFrom(config))
  const applied = await migrateToLatest(database)
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated')
  const demo =
    options.demo && !(await hasData(database))
      ? await seedDemo(database, deadlinePolicyFrom(config))
      : undefined

  const app = await buildApp({ config, database, logger })
  closeWithGrace(
    { delay: config.shutdownTimeoutMs, logger: { error: (message: string) => logger.error(message) } },
    async ({ signal, err }) => {
      if (err) logger.error({ err }, 'shutting down after an unexpected error')
      else logger.info({ signal }, 'shutting down: finishing in-flight work')
      await app.close()
      logger.info('stopped')
    },
  )
  await app.listen({ port: config.port, host: config.host })
  const baseUrl = `http://${config.host}:${(app.server.address() as { port: number }).port}`
  logger.info(
    { database: database.dialect === 'sqlite' ? config.sqlitePath : 'postgresql' },
    `Hejie gateway ready on ${baseUrl}`,
  )
  if (demo) process.stdout.write(demoWelcome(baseUrl, demo))
  return app
}

function demoWelcome(baseUrl: string, demo: DemoCredentials): string {
  const { regulator, regulators, enterprise, dispatch } = demo
  const below = regulators
    .map(
      (r) => `
  Regulator: ${r.jurisdiction} (${r.code}), sees its own subtree
    client_id      ${r.clientId}
    client_secret  ${r.clientSecret}
`,
    )
    .join('')
  return `
  Demo data loaded: a city bureau with two districts and their stations, 5 ODR enterprises
  (one suspended), handling units with routing rules (接诉即办), and disputes in every state.
  These secrets are shown once.

  Regulator: 北京市市场监督管理局 (110000), the city's 12315 intake centre, sees every district
    client_id      ${regulator.clientId}
    client_secret  ${regulator.clientSecret}
${below}
  Enterprise: ${enterprise.name} (${enterprise.enterpriseId})
    client_id      ${enterprise.clientId}
    client_secret  ${enterprise.clientSecret}

  Unit: ${dispatch.centre.name} (${dispatch.centre.unitId}), dispatches by hand
    client_id      ${dispatch.centre.clientId}
    client_secret  ${dispatch.centre.clientSecret}
    its queue:     GET /v1/disputes?awaiting_dispatch=true

  Unit: ${dispatch.station.name} (${dispatch.station.unitId})
    client_id      ${dispatch.station.clientId}
    client_secret  ${dispatch.station.clientSecret}

  Get a token and list the enterprise's disputes:
    TOKEN=$(curl -s -u '${enterprise.clientId}:${enterprise.clientSecret}' -d grant_type=client_credentials ${baseUrl}/v1/oauth/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
    curl -s -H "Authorization: Bearer $TOKEN" ${baseUrl}/v1/disputes

  Web console (控制台): ${baseUrl}/console, sign in with any client above
  API reference: ${baseUrl}/docs

`
}
