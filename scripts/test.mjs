#!/usr/bin/env node
// The whole test suite: type-check sources and tests, then run every test file once per
// storage backend (embedded SQLite, then PostgreSQL). Each backend, and Redis, must be
// reachable: a missing service fails the run instead of skipping tests.
//
//   pnpm test                              everything, both backends
//   pnpm test -- packages/sdk/test/x.test.ts   chosen files, both backends
//   HEJIE_TEST_BACKENDS=sqlite pnpm test   one backend (while developing)
//
// In a terminal tap shows its live "terse" report. Anywhere else (a CI log, a pipe, CI set)
// the log is plain text: one line per test file, the details of each failure, no escape
// sequences (scripts/tap-lines.mjs). It ends with the totals on one line: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import TapLines from './tap-lines.mjs'

const root = new URL('..', import.meta.url).pathname
const postgresUrl = process.env.HEJIE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const redisUrl = process.env.HEJIE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const backends = (process.env.HEJIE_TEST_BACKENDS ?? 'sqlite,postgres').split(',').map((b) => b.trim())
const files = process.argv.slice(2).filter((arg) => arg !== '--')
const terminal = process.stdout.isTTY && !['true', '1'].includes(process.env.CI ?? '')

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return result.status ?? 1
}

// Runs tap on the chosen files and leaves its raw TAP in rawTap; resolves to its exit status.
async function tap(rawTap, env) {
  if (terminal) {
    return run('pnpm', ['exec', 'tap', '--reporter=terse', `--output-file=${rawTap}`, ...files], env)
  }
  // tap's --output-file would also copy the raw TAP to stdout here: the raw TAP is teed instead
  const child = spawn('pnpm', ['exec', 'tap', '--reporter=tap', ...files], {
    cwd: root,
    stdio: ['inherit', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  const exited = new Promise((resolve) => {
    child.once('error', () => resolve(1))
    child.once('close', (code) => resolve(code ?? 1))
  })
  const raw = createWriteStream(rawTap)
  const report = new TapLines()
  report.on('data', (text) => process.stdout.write(text))
  child.stdout.pipe(raw)
  child.stdout.pipe(report)
  const status = await exited
  await Promise.all([finished(raw), finished(report)])
  return status
}

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || defaultPort), timeout: 3000 })
    socket.once('connect', () => resolve(socket.end() && true))
    socket.once('timeout', () => resolve(socket.destroy() && false))
    socket.once('error', () => resolve(false))
  })
}

function fail(message) {
  console.error(`\ntest: ${message}`)
  console.log('0 passed, 1 failed')
  process.exit(1)
}

for (const backend of backends) {
  if (!['sqlite', 'postgres'].includes(backend)) fail(`unknown backend "${backend}" in HEJIE_TEST_BACKENDS`)
}
if (backends.includes('postgres') && !(await reachable(postgresUrl, 5432))) {
  fail(`PostgreSQL is not reachable at ${new URL(postgresUrl).host} (set HEJIE_TEST_DATABASE_URL)`)
}
if (!(await reachable(redisUrl, 6379))) {
  fail(`Redis is not reachable at ${new URL(redisUrl).host} (set HEJIE_TEST_REDIS_URL)`)
}

console.log('test: type-checking sources and tests')
if (run('pnpm', ['run', '--silent', 'typecheck']) !== 0) fail('type-check failed')

let passed = 0
let failed = 0
const outputs = mkdtempSync(join(tmpdir(), 'hejie-tap-'))
for (const backend of backends) {
  console.log(`\ntest: the suite on ${backend}`)
  const rawTap = join(outputs, `${backend}.tap`)
  const status = await tap(rawTap, {
    HEJIE_TEST_DB: backend,
    HEJIE_TEST_DATABASE_URL: postgresUrl,
    HEJIE_TEST_REDIS_URL: redisUrl,
    TS_NODE_PROJECT: join(root, 'tsconfig.test.json'),
  })
  const summary = readFileSync(rawTap, 'utf8').match(/^# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/m)
  const total = Number(summary?.[1] ?? 0)
  const pass = Number(summary?.[2] ?? 0)
  passed += pass
  failed += total - pass
  if (status !== 0 && total === pass) failed += 1 // a crashed file or runner error counts as a failure
  console.log(`test: ${backend}: ${pass} passed, ${total - pass} failed`)
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
