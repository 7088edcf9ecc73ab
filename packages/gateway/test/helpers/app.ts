import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import type { FastifyBaseLogger, FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import pino, { type Level } from 'pino'
import { createApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { freshDatabase, type TestDatabase } from './database.js'
import { contractViolation } from './response-contract.js'

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

/** A logger writing into memory, for tests that read what the gateway logs: `lines` fills as it logs. */
export function memoryLogger(level: Level): { logger: FastifyBaseLogger; lines: string[] } {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { logger: pino({ level }, sink), lines }
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
    /** A logger of the test's own, for tests that read what the gateway logs. */
    logger?: FastifyBaseLogger
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await freshDatabase(t))
  const config = testConfig(options.config)
  const appOptions = {
    config,
    database,
    closeDatabase: false,
    ...(options.logger ? { logger: options.logger } : {}),
  }
  const app = createApp(appOptions)
  const violations = checkResponsesAgainstContract(app)
  if (options.routes) app.after(() => options.routes?.(app))
  await app.ready()
  t.teardown(async () => {
    await app.close()
    if (violations.length > 0)
      throw new Error(`responses the contract does not allow:\n${violations.join('\n')}`)
  })
  return { app, database, config }
}

/**
 * Checks every response the app sends, through `inject` or real HTTP, against the contract.
 * A violation fails the `inject` call that received it at once; one sent over HTTP fails the
 * test when it ends.
 */
function checkResponsesAgainstContract(app: FastifyInstance): string[] {
  const violations: string[] = []
  app.addHook('onSend', async (request, reply, payload) => {
    const body =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined
    if (body === undefined && payload !== null && payload !== undefined) return payload // a stream
    const violation = contractViolation({
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      contentType: reply.getHeader('content-type')?.toString(),
      body,
    })
    if (violation) violations.push(violation)
    return payload
  })
  const inject = app.inject.bind(app) as unknown as {
    (options: InjectOptions | string): Promise<LightMyRequestResponse>
    (): unknown
  }
  const checked = async (options: InjectOptions | string) => {
    const before = violations.length
    const response = await inject(options)
    if (violations.length > before) {
      const found = violations.splice(before)
      throw new Error(`responses the contract does not allow:\n${found.join('\n')}`)
    }
    return response
  }
  // The chained form (`app.inject().get(…)`) is left as it is; the hook still records it.
  app.inject = ((options?: InjectOptions | string) =>
    options === undefined ? inject() : checked(options)) as unknown as FastifyInstance['inject']
  return violations
}
