import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { type DemoCredentials, hasData, seedDemo } from './demo/seed.js'
import { OffsetClock, systemClock } from './domain/clock.js'
import { createLogger } from './logger.js'
import { deadlinePolicyFrom } from './services/disputes/deadline-policy.js'
import { refreshSandboxClock, refuseMovedClock } from './services/sandbox/clock.js'
import { stopGracefully } from './shutdown.js'
import { type Database, openDatabase } from './storage/database.js'
import { migrateToLatest } from './storage/migrator.js'

export function databaseOptionsFrom(config: Config) {
  return {
    databaseUrl: config.databaseUrl,
    sqlitePath: config.sqlitePath,
    poolSize: config.databasePoolSize,
    // A sandbox reads its time from the movable clock; everything else from the system's.
    clock: config.sandbox ? new OffsetClock() : systemClock,
  }
}

/**
 * After migrating: a sandbox takes the stored offset of its clock; any other deployment
 * refuses a database whose clock a sandbox moved.
 */
export async function adoptDeploymentClock(database: Database): Promise<void> {
  if (database.clock instanceof OffsetClock) await refreshSandboxClock(database)
  else await refuseMovedClock(database)
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
  await adoptDeploymentClock(database)
  if (config.sandbox)
    logger.warn(
      { offset_ms: (database.clock as OffsetClock).offsetMs },
      'sandbox mode: the clock can be moved, and /v1/sandbox is open',
    )
  const existing = options.demo ? await hasData(database) : false
  const demo = options.demo && !existing ? await seedDemo(database, deadlinePolicyFrom(config)) : undefined

  const app = await buildApp({ config, database, logger })
  stopGracefully({ delayMs: config.shutdownTimeoutMs, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an unexpected error')
    else logger.info({ signal }, 'shutting down: finishing in-flight work')
    await app.close()
    logger.info('stopped')
  })
  await app.listen({ port: config.port, host: config.host })
  const baseUrl = `http://${config.host}:${(app.server.address() as { port: number }).port}`
  logger.info(
    { database: database.dialect === 'sqlite' ? config.sqlitePath : 'postgresql' },
    `Hejie gateway ready on ${baseUrl}`,
  )
  if (demo) process.stdout.write(demoWelcome(baseUrl, demo))
  else if (existing) process.stdout.write(demoAgain(config))
  return app
}

/**
 * What `start --demo` says on a database that already has data: the demo's secrets were
 * shown when it was loaded and are not kept, so how to get credentials now.
 */
const defaultSqlitePath = './data/hejie.db'

function demoAgain(config: Config): string {
  // Run by `pnpm start` in the repository, the same command is `pnpm gateway …` there.
  const command = process.env.npm_lifecycle_event === 'start' ? 'pnpm gateway' : 'hejie-gateway'
  const again = command === 'pnpm gateway' ? 'run pnpm start again' : 'start it again'
  const afresh =
    config.databaseUrl !== undefined
      ? `point DATABASE_URL at an empty database and ${again}`
      : config.sqlitePath === defaultSqlitePath
        ? `stop the gateway, delete ./data (rm -rf data), and ${again}`
        : `stop the gateway, delete ${config.sqlitePath} and its -wal and -shm files, and ${again}`
  return `
  The database already holds data, so no demo data was loaded, and the demo's secrets, shown
  once when it was loaded, are not shown again. To get credentials:
    make a client:    ${command} clients create --role regulator --name "my desk"
                      (it prints a client_id and client_secret, once)
    or start afresh:  ${afresh}

`
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

  To follow docs/getting-started.md (docs/zh/getting-started.md), paste these lines into
  another terminal, in this repository:

export HEJIE_BASE_URL=${baseUrl}
export ENTERPRISE_ID=${enterprise.enterpriseId}
export ENTERPRISE_CLIENT_ID=${enterprise.clientId} ENTERPRISE_CLIENT_SECRET=${enterprise.clientSecret}
export REGULATOR_CLIENT_ID=${regulator.clientId} REGULATOR_CLIENT_SECRET=${regulator.clientSecret}

`
}
