/**
 * A benchmark module's default export:
 *
 *   {
 *     name: 'healthz',                     // what `pnpm bench <name>` takes
 *     description: 'one line',
 *     target:   Side,                      // what is measured
 *     baseline: Side,                      // what it is compared with, in the same run
 *   }
 *
 * and a Side is
 *
 *   {
 *     label: 'what this server is',
 *     start: async () => ({ port, close, info }),
 *         // runs in the server's own process: listen on 127.0.0.1, port 0; `info` (optional,
 *         // JSON) is handed to `request`, e.g. a token created while seeding
 *     request: { method, path, headers, body } | (info) => ({ ... }),
 *         // autocannon request options (`requests` for sequences); runs in the load generator
 *     check: (response) => void,
 *         // optional: throws when one preflight response { status, headers, body } is wrong
 *   }
 *
 * The module is imported by both processes, so heavy imports belong inside `start()`.
 *
 * A scenario benchmark has `run(context)` instead of `target` and `baseline`: see
 * lib/scenario.mjs.
 */
export async function loadBenchmark(moduleUrl) {
  const module = await import(moduleUrl)
  const benchmark = module.default
  const problems = []
  if (!benchmark || typeof benchmark !== 'object') problems.push('no default export')
  else {
    if (typeof benchmark.name !== 'string' || !/^[a-z0-9-]+$/.test(benchmark.name)) {
      problems.push('name must be lowercase letters, digits and dashes')
    }
    if (typeof benchmark.description !== 'string') problems.push('description is missing')
    // A scenario benchmark (lib/scenario.mjs) drives its own scenario instead of a pair.
    const sides = typeof benchmark.run === 'function' ? [] : ['target', 'baseline']
    for (const [option, spec] of Object.entries(benchmark.options ?? {})) {
      if (!/^[a-z][a-z0-9-]*$/.test(option) || !Number.isInteger(spec?.default)) {
        problems.push(`option ${option} needs a lowercase name and an integer default`)
      }
    }
    for (const side of sides) {
      const spec = benchmark[side]
      if (!spec || typeof spec.start !== 'function') problems.push(`${side}.start() is missing`)
      else if (typeof spec.label !== 'string') problems.push(`${side}.label is missing`)
      else if (!spec.request || !['object', 'function'].includes(typeof spec.request)) {
        problems.push(`${side}.request is missing`)
      }
    }
  }
  if (problems.length > 0) throw new Error(`${moduleUrl}: ${problems.join('; ')}`)
  return benchmark
}
