// The steps the audit benchmarks share, run from the benchmark's own process: the cached
// log, a gateway serving a copy of it, and the streamed export.
import { copyFileSync, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { cachedLogPaths } from './audit-log.mjs'
import { BenchmarkFailure } from './harness.mjs'
import { integer } from './stats.mjs'
import { importFromSdk } from './workspace.mjs'

export const auditParts = new URL('./audit-log.mjs', import.meta.url).href

/**
 * The log of `entries` entries for the code as built, from bench/.cache/ or built now
 * through the append path (and then cached). Resolves to its paths and, when it was built
 * in this run, how fast.
 */
export async function cachedLog(context, { entries, writers }) {
  const paths = cachedLogPaths(entries)
  if (existsSync(paths.database)) {
    context.log(`using the cached log ${paths.database}`)
    return { ...paths, built: false }
  }
  context.log(`building a log of ${integer(entries)} entries through the append path (cached for later runs)`)
  const builder = await context.service('builder', auditParts, 'startLogBuilder')
  try {
    const { value, cpu } = await context.measure('build the log', () =>
      builder.call('build', { entries, writers }),
    )
    return { ...value, cpu }
  } finally {
    await builder.stop()
  }
}

/**
 * Runs `work(gateway)` with the real gateway serving a copy of the log (serving it writes:
 * its signing keys, an API client, checkpoints), then removes the copy.
 */
export async function withGatewayOnCopy(context, databasePath, work) {
  const directory = await mkdtemp(join(tmpdir(), 'hejie-bench-audit-'))
  const copy = join(directory, 'hejie.db')
  copyFileSync(databasePath, copy)
  const gateway = await context.service('gateway', auditParts, 'startProofGateway', { sqlitePath: copy })
  try {
    return await work(gateway, copy)
  } finally {
    await gateway.stop()
    await rm(directory, { recursive: true, force: true })
  }
}

/**
 * Streams `GET /v1/audit/export` into `file` (under a temporary name, renamed when complete)
 * and checks it holds the manifest, checkpoint, JWKS and a line per entry: at least `entries`
 * (serving the log appended a few of its own, e.g. for the API client it made).
 */
export async function exportLog(context, gateway, file, entries) {
  const { request, Agent } = await importFromSdk('undici')
  const agent = new Agent({ connections: 1, bodyTimeout: 0, headersTimeout: 600_000 })
  const partial = `${file}.partial`
  let lines = 0
  const countLines = new Transform({
    transform(chunk, _encoding, callback) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1
      callback(null, chunk)
    },
  })
  try {
    const { value: seconds, cpu } = await context.measure('export', async () => {
      const begin = performance.now()
      const response = await request(`http://127.0.0.1:${gateway.info.port}/v1/audit/export`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${gateway.info.token}` },
      })
      if (response.statusCode !== 200) {
        throw new BenchmarkFailure(
          `the export answered ${response.statusCode}: ${(await response.body.text()).slice(0, 300)}`,
        )
      }
      await pipeline(response.body, countLines, createWriteStream(partial))
      return (performance.now() - begin) / 1000
    })
    if (lines < entries + 3) {
      throw new BenchmarkFailure(
        `the export has ${lines} lines; ${entries} entries and 3 header lines were expected`,
      )
    }
    renameSync(partial, file)
    return { seconds, bytes: statSync(file).size, lines, cpu }
  } finally {
    rmSync(partial, { force: true })
    await agent.close()
  }
}
