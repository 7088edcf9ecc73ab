import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { nodeFlags } from '@hejie/gateway'
import autocannon from 'autocannon'
import { machineFacts } from './machine.mjs'

const serverProcess = fileURLToPath(new URL('./server-process.mjs', import.meta.url))
const HOST = '127.0.0.1'
const STARTUP_TIMEOUT_MS = 120_000
// A round that runs this much longer than its duration is stuck (a server that stopped
// answering); it is stopped and the benchmark fails rather than hanging.
const OVERRUN_GRACE_MS = 30_000
// Above this share of one core the load generator, not the server, may be the limit.
const LOAD_GENERATOR_SATURATED = 0.9

export class BenchmarkFailure extends Error {
  name = 'BenchmarkFailure'
}

/** Forks one server process and resolves once it listens. */
function startServer(moduleUrl, side) {
  const child = fork(serverProcess, [moduleUrl, side], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // The parent's flags (a debugger, a loader) must not change what is measured; every
    // process runs on the V8 settings the gateway's launchers give it, baselines included.
    execArgv: [...nodeFlags],
  })
  let exited = false
  const cpuWaiters = []
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true
      for (const waiter of cpuWaiters.splice(0)) {
        waiter.reject(new BenchmarkFailure(`the ${side} server exited during the run`))
      }
      resolve({ code, signal })
    })
  })
  child.on('message', (message) => {
    if (message?.type === 'cpu') cpuWaiters.shift()?.resolve(message.usage)
  })

  const server = {
    side,
    /** The server process's CPU time so far (user + system, microseconds). */
    cpu() {
      return new Promise((resolve, reject) => {
        if (exited) return reject(new BenchmarkFailure(`the ${side} server exited during the run`))
        cpuWaiters.push({ resolve: (usage) => resolve(usage.user + usage.system), reject })
        child.send({ type: 'cpu' })
      })
    },
    async stop() {
      if (exited) return
      if (child.connected) child.send({ type: 'stop' })
      else child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exit
      clearTimeout(timer)
    },
  }

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new BenchmarkFailure(`the ${side} server did not start within ${STARTUP_TIMEOUT_MS / 1000} s`))
    }, STARTUP_TIMEOUT_MS)
    child.on('message', (message) => {
      if (message?.type === 'ready') {
        clearTimeout(timer)
        resolve({ ...server, port: message.port, info: message.info })
      } else if (message?.type === 'failed') {
        clearTimeout(timer)
        reject(new BenchmarkFailure(`the ${side} server failed to start:\n${message.message}`))
      }
    })
    exit.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new BenchmarkFailure(`the ${side} server exited before listening (${signal ?? `code ${code}`})`))
    })
  })
}

/** Autocannon options for one side; the host is always the loopback address. */
function requestOptions(spec, server) {
  const fragment = typeof spec.request === 'function' ? spec.request(server.info) : spec.request
  const { path = '/', ...rest } = fragment
  return { ...rest, url: `http://${HOST}:${server.port}${path}` }
}

/** One request before any load: the server answers 2xx and, when the side says so, the right thing. */
async function preflight(spec, request) {
  const response = await fetch(request.url, {
    method: request.method ?? 'GET',
    headers: request.headers,
    body: request.body,
  })
  const body = await response.text()
  const seen = { status: response.status, headers: Object.fromEntries(response.headers), body }
  if (response.status < 200 || response.status > 299) {
    throw new BenchmarkFailure(
      `${spec.label}: preflight ${request.method ?? 'GET'} answered ${response.status}: ${body.slice(0, 500)}`,
    )
  }
  try {
    await spec.check?.(seen)
  } catch (error) {
    throw new BenchmarkFailure(`${spec.label}: preflight check failed: ${error.message}`)
  }
  return { status: seen.status, bytes: Buffer.byteLength(body) }
}

function readProcStat() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields
    const busy = user + nice + system + irq + softirq + steal
    return { busy, total: busy + idle + iowait }
  } catch {
    return undefined
  }
}

/** One timed load against one server, with the CPU each party used meanwhile. */
async function loadRound(server, request, { connections, duration }) {
  const serverCpuBefore = await server.cpu()
  const ownCpuBefore = process.cpuUsage()
  const statBefore = readProcStat()
  const startedAt = performance.now()

  const instance = autocannon({ ...request, connections, duration, pipelining: 1 })
  let overran = false
  const watchdog = setTimeout(
    () => {
      overran = true
      instance.stop()
    },
    duration * 1000 + OVERRUN_GRACE_MS,
  )
  const result = await instance
  clearTimeout(watchdog)

  const wallMicros = (performance.now() - startedAt) * 1000
  const serverCpu = (await server.cpu()) - serverCpuBefore
  const ownCpu = process.cpuUsage(ownCpuBefore)
  const statAfter = readProcStat()
  let machineBusyCores
  if (statBefore && statAfter && statAfter.total > statBefore.total) {
    const cores = machineFacts().cores
    machineBusyCores = ((statAfter.busy - statBefore.busy) / (statAfter.total - statBefore.total)) * cores
  }
  const serverCores = serverCpu / wallMicros
  const loadGeneratorCores = (ownCpu.user + ownCpu.system) / wallMicros

  return {
    side: server.side,
    seconds: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    latencyMs: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
    ),
    overran,
    cpu: {
      server: round3(serverCores),
      loadGenerator: round3(loadGeneratorCores),
      // What the rest of the machine used meanwhile: noise from outside the benchmark.
      others:
        machineBusyCores === undefined
          ? null
          : round3(Math.max(0, machineBusyCores - serverCores - loadGeneratorCores)),
    },
  }
}

function round3(value) {
  return Math.round(value * 1000) / 1000
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function failuresOf(round) {
  const failures = round.errors + round.non2xx
  return round.overran || round.requests === 0 ? failures + 1 : failures
}

function summarize(spec, rounds, preflightResult) {
  return {
    label: spec.label,
    preflight: preflightResult,
    requestsPerSecond: Math.round(median(rounds.map((r) => r.requestsPerSecond))),
    // Requests per second of the server's own CPU time: less sensitive than requests/s to
    // other work taking cores away, so it is the cross-check on a shared machine.
    requestsPerServerCpuSecond: Math.round(median(rounds.map((r) => r.requestsPerSecond / r.cpu.server))),
    latencyMs: {
      p50: median(rounds.map((r) => r.latencyMs.p50)),
      p99: median(rounds.map((r) => r.latencyMs.p99)),
    },
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    timeouts: rounds.reduce((sum, r) => sum + r.timeouts, 0),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    rounds: rounds.map(({ side: _side, ...rest }) => ({
      ...rest,
      requestsPerSecond: Math.round(rest.requestsPerSecond),
    })),
  }
}

/**
 * Starts target and baseline, each in its own process, warms both up, then alternates
 * timed rounds (target, baseline, target, …) so that drift on the machine (other work,
 * thermal limits, a JIT that settles late) falls on both sides alike.
 */
export async function runBenchmark(benchmark, moduleUrl, options, log = console.log) {
  const { connections, duration, rounds, warmup } = options
  const startedAt = new Date()
  const loadBefore = machineFacts().loadAverage
  const servers = {}
  try {
    for (const side of ['target', 'baseline']) {
      log(`starting ${side}: ${benchmark[side].label}`)
      servers[side] = await startServer(moduleUrl, side)
    }
    const requests = {}
    const preflights = {}
    for (const side of ['target', 'baseline']) {
      requests[side] = requestOptions(benchmark[side], servers[side])
      preflights[side] = await preflight(benchmark[side], requests[side])
    }

    const warmups = []
    if (warmup > 0) {
      for (const side of ['target', 'baseline']) {
        log(`warming up ${side} (${warmup} s)`)
        warmups.push(await loadRound(servers[side], requests[side], { connections, duration: warmup }))
      }
    }

    const measured = { target: [], baseline: [] }
    for (let i = 1; i <= rounds; i++) {
      for (const side of ['target', 'baseline']) {
        const result = await loadRound(servers[side], requests[side], { connections, duration })
        measured[side].push(result)
        log(
          `round ${i}/${rounds} ${side.padEnd(8)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US')} req/s` +
            `  p50 ${result.latencyMs.p50} ms  p99 ${result.latencyMs.p99} ms` +
            `  cpu: server ${result.cpu.server.toFixed(2)}, load ${result.cpu.loadGenerator.toFixed(2)}` +
            (result.cpu.others === null ? '' : `, others ${result.cpu.others.toFixed(2)}`) +
            (failuresOf(result) > 0 ? `  FAILURES: ${failuresOf(result)}` : ''),
        )
      }
    }

    const target = summarize(benchmark.target, measured.target, preflights.target)
    const baseline = summarize(benchmark.baseline, measured.baseline, preflights.baseline)
    const warnings = []
    const saturated = [...measured.target, ...measured.baseline].filter(
      (r) => r.cpu.loadGenerator >= LOAD_GENERATOR_SATURATED,
    )
    if (saturated.length > 0) {
      warnings.push(
        `the load generator used ≥ ${LOAD_GENERATOR_SATURATED * 100} % of a core in ${saturated.length} ` +
          `round(s) (${[...new Set(saturated.map((r) => r.side))].join(', ')}): there it, not the server, ` +
          'may set the pace, so those requests/s are lower bounds',
      )
    }
    const busyOthers = [...measured.target, ...measured.baseline].filter((r) => (r.cpu.others ?? 0) >= 0.25)
    if (busyOthers.length > 0) {
      warnings.push(
        `other processes used ≥ 0.25 core in ${busyOthers.length} round(s): the machine was not quiet`,
      )
    }

    const failures = [...warmups, ...measured.target, ...measured.baseline].filter((r) => failuresOf(r) > 0)
    return {
      benchmark: benchmark.name,
      description: benchmark.description,
      date: startedAt.toISOString(),
      ok: failures.length === 0,
      settings: {
        connections,
        durationSeconds: duration,
        roundsPerSide: rounds,
        warmupSeconds: warmup,
        pipelining: 1,
      },
      machine: { ...machineFacts(), loadAverageBefore: loadBefore },
      ratio: round3(target.requestsPerSecond / baseline.requestsPerSecond),
      cpuRatio: round3(target.requestsPerServerCpuSecond / baseline.requestsPerServerCpuSecond),
      target,
      baseline,
      warmup: warmups,
      warnings,
      failures: failures.map((r) => ({
        side: r.side,
        errors: r.errors,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
        statusCodes: r.statusCodes,
        overran: r.overran,
        requests: r.requests,
      })),
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()))
  }
}
