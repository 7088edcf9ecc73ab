import { fork, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { nodeFlags } from '@hejie/gateway'
import { BenchmarkFailure } from './harness.mjs'

const serviceProcess = fileURLToPath(new URL('./service-process.mjs', import.meta.url))
const STARTUP_TIMEOUT_MS = 300_000

/**
 * Starts `exportName(args)` of `moduleUrl` in a process of its own and resolves once it is
 * ready, to { pid, info, call(method, ...args), stop() }. A call rejects with the child's
 * error; a child that exits while calls are waiting fails them all.
 */
export function startService(name, moduleUrl, exportName, args = {}) {
  const child = fork(serviceProcess, [moduleUrl, exportName], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // The parent's flags (a debugger, a loader) must not change what is measured; every
    // process runs on the V8 settings the gateway's launchers give it, baselines included.
    execArgv: [...nodeFlags],
  })
  const waiting = new Map()
  let nextId = 1
  let exited = false
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true
      for (const { reject } of waiting.values()) {
        reject(new BenchmarkFailure(`${name} exited (${signal ?? `code ${code}`}) during the run`))
      }
      waiting.clear()
      resolve({ code, signal })
    })
  })
  child.on('message', (message) => {
    const pending = waiting.get(message?.id)
    if (!pending) return
    waiting.delete(message.id)
    if (message.type === 'result') pending.resolve(message.value)
    else pending.reject(new BenchmarkFailure(`${name}: ${message.message}`))
  })

  const service = {
    name,
    pid: child.pid,
    call(method, ...callArgs) {
      if (exited) return Promise.reject(new BenchmarkFailure(`${name} is not running`))
      const id = nextId++
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject })
        child.send({ type: 'call', id, method, args: callArgs })
      })
    },
    async stop() {
      if (exited) return
      child.send({ type: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      await exit
      clearTimeout(timer)
    },
  }

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new BenchmarkFailure(`${name} did not start within ${STARTUP_TIMEOUT_MS / 1000} s`))
    }, STARTUP_TIMEOUT_MS)
    child.on('message', (message) => {
      if (message?.type === 'ready') {
        clearTimeout(timer)
        resolve({ ...service, info: message.info })
      } else if (message?.type === 'failed') {
        clearTimeout(timer)
        reject(new BenchmarkFailure(`${name} failed to start:\n${message.message}`))
      }
    })
    exit.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new BenchmarkFailure(`${name} exited before it was ready (${signal ?? `code ${code}`})`))
    })
    child.send({ type: 'start', args })
  })
}

/**
 * Runs a command to its end, capturing its output, and resolves to
 * { code, signal, stdout, stderr, seconds }. `onSpawn(pid)` lets the caller watch its CPU.
 */
export function runCommand(command, args, { env, cwd, onSpawn, timeoutMs = 30 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now()
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    onSpawn?.(child.pid)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout = (stdout + chunk).slice(-64 * 1024)
    })
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-64 * 1024)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - startedAt) / 1000 })
    })
  })
}

/**
 * Starts a long-running command (a `hejie-gateway worker`) and returns { pid, exited,
 * stop() }: `stop()` sends SIGTERM, as an operator would, and waits for the exit.
 */
export function startCommand(name, command, args, { env, cwd } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: env ?? process.env,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  return {
    name,
    pid: child.pid,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      const result = await exited
      clearTimeout(timer)
      return result
    },
  }
}
