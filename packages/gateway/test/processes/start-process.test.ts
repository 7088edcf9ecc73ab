import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { backend, freshDatabase } from '../helpers/database.js'
import { runGateway } from '../helpers/process.js'

const root = fileURLToPath(new URL('../../../../', import.meta.url))

async function databaseEnv(t: Parameters<typeof freshDatabase>[0]): Promise<Record<string, string>> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hejie-start-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    return { HEJIE_SQLITE_PATH: join(dir, 'hejie.db') }
  }
  const { location } = await freshDatabase(t)
  return { DATABASE_URL: `${location.databaseUrl}?options=-c%20search_path%3D${location.searchPath}` }
}

async function until(condition: () => boolean, what: string, output: string[]) {
  const deadline = Date.now() + 60_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`no ${what}:\n${output.join('\n')}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const readyUrl = (output: string[]) =>
  output.map((line) => /ready on (http:\/\/[\d.:]+)/.exec(line)?.[1]).find(Boolean)

/** `start --demo` as a person runs it in a terminal: pretty logs. */
function startDemo(t: { teardown(fn: () => unknown): void }, env: Record<string, string>) {
  const run = runGateway(['start', '--demo'], { PORT: '0', LOG_FORMAT: 'pretty', ...env })
  t.teardown(() => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL')
  })
  return run
}

t.test(
  `start --demo logs one line per request, and Ctrl-C (SIGINT, even twice at once) stops it with exit code 0 (${backend})`,
  async (t) => {
    const gateway = startDemo(t, await databaseEnv(t))
    await until(() => readyUrl(gateway.output) !== undefined, 'ready line', gateway.output)
    await until(
      () => gateway.output.some((line) => line.includes('Web console')),
      'demo welcome',
      gateway.output,
    )
    t.ok(
      gateway.output.some((line) => /^ {4}client_secret {2}\S+/.test(line)),
      'the demo secrets are printed',
    )
    const before = gateway.output.length
    const response = await fetch(
      `${readyUrl(gateway.output)}/v1/disputes?status=assigned&access_token=s3cret`,
    )
    t.equal(response.status, 401)
    const requestId = response.headers.get('x-request-id') ?? ''
    t.match(requestId, /^req_/)
    await until(() => gateway.output.some((line) => line.includes(requestId)), 'request line', gateway.output)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const logged = gateway.output.slice(before)
    t.equal(logged.length, 1, `one line for the request:\n${logged.join('\n')}`)
    t.match(
      logged[0],
      new RegExp(
        `^\\[[\\d:.]+\\] INFO: GET /v1/disputes\\?status=assigned&access_token=\\[redacted\\] 401 \\d+ ms ${requestId}$`,
      ),
    )
    t.notOk(logged.join('\n').includes('s3cret'), 'the secret in the query is not logged')

    // Ctrl-C signals the process group, and `pnpm start` passes the signal on too.
    gateway.child.kill('SIGINT')
    gateway.child.kill('SIGINT')
    t.same(await gateway.exited, { code: 0, signal: null }, gateway.output.slice(-5).join('\n'))
    t.match(gateway.output.join('\n'), /shutting down: finishing in-flight work[\s\S]*stopped/)
  },
)

t.test(`start --demo on a database that has data says how to get credentials (${backend})`, async (t) => {
  // Both runs open the same sealed signing keys.
  const env: Record<string, string> = {
    ...(await databaseEnv(t)),
    HEJIE_MASTER_KEY: randomBytes(32).toString('base64'),
  }
  const first = startDemo(t, env)
  await until(() => readyUrl(first.output) !== undefined, 'ready line', first.output)
  first.child.kill('SIGTERM')
  t.same(await first.exited, { code: 0, signal: null })

  const second = startDemo(t, env)
  await until(() => second.output.some((line) => line.includes('start afresh')), 'advice', second.output)
  const text = second.output.join('\n')
  t.notOk(/client_secret {2}\S/.test(text), 'no secrets this time')
  t.match(text, /The database already holds data, so no demo data was loaded/)
  t.match(text, /make a client: +hejie-gateway clients create --role regulator --name "my desk"/)
  t.match(
    text,
    backend === 'sqlite'
      ? new RegExp(
          `or start afresh: +stop the gateway, delete ${env.HEJIE_SQLITE_PATH} and its -wal and -shm files, and start it again`,
        )
      : /or start afresh: +point DATABASE_URL at an empty database and start it again/,
  )
  second.child.kill('SIGINT')
  t.same(await second.exited, { code: 0, signal: null })
})

t.test(`pnpm start stopped with Ctrl-C exits 0 (${backend})`, async (t) => {
  // As a terminal does it: pnpm, the shell of its script and the gateway are one process
  // group, and Ctrl-C sends SIGINT to all of them.
  const child = spawn('pnpm', ['start'], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      ...(await databaseEnv(t)),
      PORT: '0',
      LOG_FORMAT: 'json',
      HEJIE_MASTER_KEY: randomBytes(32).toString('base64'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const group = child.pid ?? 0
  t.teardown(() => {
    if (child.exitCode === null) process.kill(-group, 'SIGKILL')
  })
  const output: string[] = []
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => output.push(line))
  }
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }))
  await until(() => readyUrl(output) !== undefined, 'ready line', output)
  process.kill(-group, 'SIGINT')
  t.same(await exited, { code: 0, signal: null }, output.slice(-5).join('\n'))
  t.notOk(
    output.some((line) => line.includes('ELIFECYCLE')),
    'pnpm reports no failure',
  )
})
