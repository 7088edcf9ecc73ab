import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { backend, freshDatabase } from '../helpers/database.js'
import { runGateway, startGateway } from '../helpers/process.js'

function tempSqlitePath(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hejie-process-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'hejie.db')
}

async function databaseEnv(t: Parameters<typeof freshDatabase>[0]): Promise<Record<string, string>> {
  if (backend === 'sqlite') return { HEJIE_SQLITE_PATH: tempSqlitePath(t) }
  // Migrated here first: with the schema only in the URL's search_path, the migrator's
  // existence check would see the migration tables of other test schemas in the database.
  const { location } = await freshDatabase(t)
  return { DATABASE_URL: `${location.databaseUrl}?options=-c%20search_path%3D${location.searchPath}` }
}

t.test('a bad configuration value stops the gateway with one line naming it', async (t) => {
  const cases: { env: Record<string, string>; want: string }[] = [
    {
      env: { PORT: 'abc' },
      want: 'hejie-gateway: invalid configuration: PORT: expected an integer, got "abc"',
    },
    {
      env: { DATABASE_URL: 'nonsense' },
      want: 'hejie-gateway: invalid configuration: DATABASE_URL: expected a URL (postgres or postgresql), got something that is not a URL',
    },
  ]
  for (const { env, want } of cases) {
    const run = runGateway(['start'], env)
    const { code } = await run.exited
    t.not(code, 0, `${Object.keys(env)[0]} exits non-zero`)
    t.same(run.output, [want], 'exactly one line, naming the variable')
  }
})

t.test(`the gateway starts on ${backend} and serves readiness`, async (t) => {
  const gateway = await startGateway(t, await databaseEnv(t))
  const ready = await fetch(`${gateway.baseUrl}/readyz`)
  t.equal(ready.status, 200)
  // The request's log lines are written after its response: give them a moment to arrive.
  const logged = () => gateway.output.some((line) => line.includes('"request_id"'))
  const deadline = Date.now() + 10_000
  while (!logged() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  t.ok(logged(), 'request logs carry the request id')
  gateway.child.kill('SIGTERM')
  t.same(await gateway.exited, { code: 0, signal: null })
})

t.test('SIGTERM lets an in-flight request complete, then exits 0', async (t) => {
  const gateway = await startGateway(t, await databaseEnv(t))
  const { hostname, port } = new URL(gateway.baseUrl)
  const socket = connect({ host: hostname, port: Number(port) })
  await new Promise((resolve) => socket.once('connect', resolve))
  const body = JSON.stringify({ note: 'half now, half after the signal' })
  const response = new Promise<string>((resolve) => {
    let text = ''
    socket.on('data', (chunk) => {
      text += chunk
    })
    socket.on('end', () => resolve(text))
    socket.on('close', () => resolve(text))
  })
  // The request is in flight: headers and half the body are sent, the rest comes after SIGTERM.
  socket.write(
    `POST /v1/in-flight HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
  )
  socket.write(body.slice(0, 10))
  await new Promise((resolve) => setTimeout(resolve, 200))
  gateway.child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(gateway.child.exitCode, null, 'the process waits for the request')
  socket.write(body.slice(10))
  const text = await response
  t.match(text, /^HTTP\/1\.1 404 /, 'the in-flight request got its answer')
  t.match(text, /"code":"not_found"/)
  t.same(await gateway.exited, { code: 0, signal: null })
})
