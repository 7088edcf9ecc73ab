#!/usr/bin/env node
// pnpm bench                      lists the benchmarks
// pnpm bench <name> [options]     runs one, prints a Markdown table, writes bench/results/<name>.json
//
//   --duration <s>     seconds per measured round (10)
//   --connections <n>  concurrent connections (50)
//   --rounds <n>       measured rounds per side, alternating target and baseline (3)
//   --warmup <s>       seconds of unmeasured load per side first (5)
//   --no-build         measure packages/gateway/dist as it is instead of building it first
//
// A scenario benchmark (lib/scenario.mjs) may set its own defaults for these and take
// options of its own (`pnpm bench` lists them).
//
// Exits non-zero when any request failed or answered non-2xx: a benchmark that measured
// errors has measured nothing.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadBenchmark } from './lib/benchmark.mjs'
import { BenchmarkFailure, runBenchmark } from './lib/harness.mjs'
import { markdown } from './lib/report.mjs'
import { runScenario, scenarioMarkdown } from './lib/scenario.mjs'

const benchDirectory = fileURLToPath(new URL('.', import.meta.url))
const root = fileURLToPath(new URL('..', import.meta.url))
const benchmarksDirectory = new URL('./benchmarks/', import.meta.url)
const resultsDirectory = new URL('./results/', import.meta.url)
const gatewayDist = fileURLToPath(new URL('../packages/gateway/dist/index.js', import.meta.url))

function fail(message) {
  console.error(`\nbench: ${message}`)
  process.exit(1)
}

function positiveInteger(name, raw, { min = 1, max }) {
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`--${name} expects an integer from ${min} to ${max}, got "${raw}"`)
  }
  return value
}

async function allBenchmarks() {
  const files = readdirSync(benchmarksDirectory)
    .filter((file) => file.endsWith('.mjs'))
    .sort()
  const found = []
  for (const file of files) {
    const url = new URL(file, benchmarksDirectory).href
    found.push({ url, benchmark: await loadBenchmark(url) })
  }
  return found
}

function git(...args) {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return undefined
  }
}

function packageVersion(name) {
  try {
    const require = createRequire(new URL('./package.json', import.meta.url))
    return require(`${name}/package.json`).version
  } catch {
    return undefined
  }
}

const commonDefaults = { duration: 10, connections: 50, rounds: 3, warmup: 5 }
const benchmarks = await allBenchmarks()
// The benchmark named decides which options exist and their defaults, so it is found first.
const named = parseArgs({ allowPositionals: true, strict: false }).positionals
const chosen = benchmarks.find(({ benchmark }) => benchmark.name === named[0])
const defaults = { ...commonDefaults, ...chosen?.benchmark.defaults }
const ownOptions = chosen?.benchmark.options ?? {}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: String(defaults.duration) },
    connections: { type: 'string', default: String(defaults.connections) },
    rounds: { type: 'string', default: String(defaults.rounds) },
    warmup: { type: 'string', default: String(defaults.warmup) },
    ...Object.fromEntries(
      Object.entries(ownOptions).map(([name, spec]) => [
        name,
        { type: 'string', default: String(spec.default) },
      ]),
    ),
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})

if (positionals.length === 0 || values.help) {
  console.log(
    'usage: pnpm bench <name> [--duration 10] [--connections 50] [--rounds 3] [--warmup 5] [--no-build]\n',
  )
  console.log('benchmarks:')
  for (const { benchmark } of benchmarks) {
    console.log(`  ${benchmark.name.padEnd(20)} ${benchmark.description}`)
    for (const [name, spec] of Object.entries(benchmark.options ?? {})) {
      console.log(`  ${''.padEnd(20)}   --${name} <n>  ${spec.description} (${spec.default})`)
    }
  }
  process.exit(0)
}
if (positionals.length > 1) fail(`one benchmark at a time, got ${positionals.join(', ')}`)
if (!chosen) {
  fail(
    `no benchmark "${positionals[0]}"; known: ${benchmarks.map(({ benchmark }) => benchmark.name).join(', ')}`,
  )
}

const options = {
  duration: positiveInteger('duration', values.duration, { max: 600 }),
  connections: positiveInteger('connections', values.connections, { max: 10_000 }),
  rounds: positiveInteger('rounds', values.rounds, { max: 20 }),
  warmup: positiveInteger('warmup', values.warmup, { min: 0, max: 600 }),
}
for (const [name, spec] of Object.entries(ownOptions)) {
  options[name] = positiveInteger(name, values[name], { min: spec.min ?? 1, max: spec.max ?? 100_000_000 })
}

// What is measured is the built gateway, so a stale dist would measure old code.
if (!values['no-build']) {
  console.log('building the gateway (pnpm run build)…')
  const build = spawnSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) {
    fail(
      'the build failed (see above). The benchmarks measure packages/gateway/dist: fix the build, ' +
        'or pass --no-build to measure the dist that is already there.',
    )
  }
}
if (!existsSync(gatewayDist)) {
  fail('packages/gateway/dist/index.js is missing: run `pnpm run build` at the repository root first.')
}

const { benchmark, url } = chosen
const scenario = typeof benchmark.run === 'function'
console.log(
  scenario
    ? `\n${benchmark.name}: ${JSON.stringify(options)}\n`
    : `\n${benchmark.name}: ${options.rounds} × ${options.duration} s per side, ${options.connections} connections, ` +
        `${options.warmup} s warm-up\n`,
)
let result
try {
  result = scenario ? await runScenario(benchmark, options) : await runBenchmark(benchmark, url, options)
} catch (error) {
  if (error instanceof BenchmarkFailure) fail(error.message)
  throw error
}
result.source = {
  commit: git('rev-parse', '--short=12', 'HEAD'),
  gatewayModified: Boolean(git('status', '--porcelain', '--', 'packages/gateway')),
  built: !values['no-build'],
}
if (scenario) {
  const modified = ['packages/gateway', 'packages/sdk', 'packages/cli'].filter((folder) =>
    Boolean(git('status', '--porcelain', '--', folder)),
  )
  result.source.modified = modified.length > 0 ? modified.join(', ') : undefined
}
result.versions = { autocannon: packageVersion('autocannon'), fastify: packageVersion('fastify') }

console.log(`\n${scenario ? scenarioMarkdown(result) : markdown(result)}\n`)

const resultFile = new URL(`${benchmark.name}${result.ok ? '.json' : '.failed.tmp'}`, resultsDirectory)
// Written beside the target and renamed, so an interrupted run never leaves half a file.
const partial = new URL(`${benchmark.name}.json.tmp`, resultsDirectory)
mkdirSync(resultsDirectory, { recursive: true })
// Paths inside the checkout are recorded relative to it: a record says nothing of the machine's folders.
const recorded = JSON.stringify(result, null, 2).replaceAll(JSON.stringify(root).slice(1, -1), '')
writeFileSync(partial, `${recorded}\n`)
renameSync(partial, resultFile)
const shown = fileURLToPath(resultFile).slice(benchDirectory.length)

if (!result.ok) {
  console.error(JSON.stringify(result.failures, null, 2))
  fail(
    scenario
      ? `FAILED: ${result.failures.join('; ')}; these numbers mean nothing. Details in bench/${shown}.`
      : `FAILED: ${result.failures.length} round(s) had errors, non-2xx answers or stalled; ` +
          `these numbers mean nothing. Details in bench/${shown}.`,
  )
}
console.log(`written: bench/${shown}`)
