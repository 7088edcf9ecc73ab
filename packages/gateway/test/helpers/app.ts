import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp, createApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { freshDatabase, type TestDatabase } from './database.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TestApp {
  app: FastifyInstance
  database: TestDatabase
  config: Config
}

/** The default configuration with the given values, as the gateway would load it. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({}, { logLevel: 'silent', masterKey: testMasterKey, ...overrides })
}

/** One master key per test file, so that several gateways on one database share signing keys. */
const testMasterKey = randomBytes(32).toString('base64')

/** A gateway on a fresh database, ready for `app.inject()`, closed when the test ends. */
export async function testApp(
  t: Teardown,
  options: {
    config?: Partial<Config>
    database?: TestDatabase
    routes?: (app: FastifyInstance) => void
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await freshDatabase(t))
  const config = testConfig(options.config)
  const appOptions = { config, database, closeDatabase: false }
  let app: FastifyInstance
  if (options.routes) {
    app = createApp(appOptions)
    app.after(() => options.routes?.(app))
    await app.ready()
  } else {
    app = await buildApp(appOptions)
  }
  t.teardown(() => app.close())
  return { app, database, config }
}
