import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { backend, freshDatabase } from './database.js'
import { regulatorCredentials, testUscc } from './identity.js'
import { contractCheckedBody } from './response-contract.js'

export const gatewayBin = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

export interface GatewayProcess {
  child: ChildProcess
  baseUrl: string
  /** Every line the process wrote, stdout and stderr, for assertions on logs. */
  output: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

interface Teardown {
  teardown(fn: () => unknown): void
}

/** Runs `hejie-gateway` as a real process and collects what it prints. */
export function runGateway(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [gatewayBin, ...args], {
    env: {
      PATH: process.env.PATH,
      LOG_FORMAT: 'json',
      HEJIE_MASTER_KEY: randomBytes(32).toString('base64'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => output.push(line))
  }
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }))
  return { child, output, exited }
}

/** Starts the gateway on a free port and waits until it says it is ready. */
export async function startGateway(t: Teardown, env: Record<string, string>): Promise<GatewayProcess> {
  const { child, output, exited } = runGateway(['start'], { PORT: '0', ...env })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const ready = output.map((line) => /ready on (http:\/\/[\d.:]+)/.exec(line)).find(Boolean)
    if (ready?.[1]) return { child, baseUrl: ready[1], output, exited }
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the gateway did not start:\n${output.join('\n')}`)
}

/** Starts `hejie-gateway worker` and waits until it says it is ready. */
export async function startWorker(
  t: Teardown,
  env: Record<string, string>,
): Promise<Omit<GatewayProcess, 'baseUrl'>> {
  const worker = runGateway(['worker'], env)
  t.teardown(() => {
    if (worker.child.exitCode === null) worker.child.kill('SIGKILL')
  })
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (worker.output.some((line) => line.includes('Hejie worker ready'))) return worker
    if (worker.child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the worker did not start:\n${worker.output.join('\n')}`)
}

/**
 * A fresh database that several gateway processes (and their restarts) open together, the
 * environment that points them at it, and a regulator's credentials in it; the database
 * itself is there for a test to look at what the processes wrote.
 */
export async function sharedDatabase(t: Teardown) {
  const database = await freshDatabase(t)
  const { location } = database
  const env: Record<string, string> =
    backend === 'postgres'
      ? { DATABASE_URL: `${location.databaseUrl}?options=-c%20search_path%3D${location.searchPath}` }
      : { HEJIE_SQLITE_PATH: location.sqlitePath }
  return {
    database,
    credentials: await regulatorCredentials(database),
    env: {
      ...env,
      // Every instance and every restart must open the same sealed webhook secrets.
      HEJIE_MASTER_KEY: randomBytes(32).toString('base64'),
      HEJIE_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      HEJIE_WEBHOOK_TIMEOUT_MS: '1000',
      HEJIE_WEBHOOK_RETRY_SCHEDULE_MS: '0,200,200,200,200,200,200,200,200,200',
      HEJIE_RATE_LIMIT_MAX: '1000000',
    },
  }
}

/** Sends a JSON request with a bearer token; anything but 2xx throws with the problem body. */
export async function call(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? null : JSON.stringify(body),
  })
  // biome-ignore lint/suspicious/noExplicitAny: callers read the fields the API documents.
  const json = JSON.parse(await contractCheckedBody(method, `${baseUrl}${path}`, res)) as any
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** An access token for the client, from a running gateway. */
export async function tokenFor(baseUrl: string, credentials: { clientId: string; clientSecret: string }) {
  const res = await fetch(`${baseUrl}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }),
  })
  const body = await contractCheckedBody('POST', `${baseUrl}/v1/oauth/token`, res)
  return (JSON.parse(body) as { access_token: string }).access_token
}

/** Registers an ODR enterprise through a running gateway, as the regulator. */
export function registerEnterprise(baseUrl: string, regulatorToken: string, name: string) {
  return call(baseUrl, regulatorToken, 'POST', '/v1/enterprises', {
    name,
    uscc: testUscc(),
    contact: { name: '王经理', phone: '01088886666' },
  })
}
