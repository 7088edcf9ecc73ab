// The gateway's resident memory while it streams the export of the cached million-entry log,
// under the V8 settings of NODE_OPTIONS, else the launchers' (docs/performance.md, "Memory"):
//
//   pnpm bench audit-proofs                      # builds bench/.cache/audit-1000000-<key>.db once
//   NODE_OPTIONS='--max-old-space-size=128 --max-semi-space-size=8' node bench/export-memory.mjs
//
// The gateway runs in a process of its own on a copy of the log; this process reads the export
// to the end and samples the gateway's VmRSS and RssAnon every 500 ms.
import { fork } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

if (process.env.HEJIE_EXPORT_MEMORY_GATEWAY) {
  const { startProofGateway } = await import('./lib/audit-log.mjs')
  const gateway = await startProofGateway({ sqlitePath: process.argv[2] })
  process.send({ port: gateway.info.port, token: gateway.info.token })
  process.on('message', async () => {
    await gateway.close()
    process.exit(0)
  })
} else {
  const { cacheDirectory } = await import('./lib/audit-log.mjs')
  const log = readdirSync(cacheDirectory).find((name) => /^audit-1000000-.*\.db$/.test(name))
  if (!log) throw new Error('no cached log of a million entries: run `pnpm bench audit-proofs` first')
  const directory = mkdtempSync(join(tmpdir(), 'hejie-export-memory-'))
  const copy = join(directory, 'hejie.db')
  copyFileSync(join(cacheDirectory, log), copy)
  const { nodeFlags } = await import('@hejie/gateway')
  const gateway = fork(new URL(import.meta.url).pathname, [copy], {
    // The launchers' V8 settings, unless NODE_OPTIONS gives others to try.
    execArgv: process.env.NODE_OPTIONS ? [] : [...nodeFlags],
    env: { ...process.env, HEJIE_EXPORT_MEMORY_GATEWAY: '1' },
  })
  const { port, token } = await new Promise((resolve) => gateway.once('message', resolve))
  const mib = (field) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${gateway.pid}/status`, 'utf8'))[1]) /
    1024
  const samples = [{ rss: mib('VmRSS'), anon: mib('RssAnon') }]
  const sampler = setInterval(() => samples.push({ rss: mib('VmRSS'), anon: mib('RssAnon') }), 500)
  const { importFromSdk } = await import('./lib/workspace.mjs')
  const { request } = await importFromSdk('undici')
  const began = performance.now()
  const response = await request(`http://127.0.0.1:${port}/v1/audit/export`, {
    headers: { authorization: `Bearer ${token}` },
    bodyTimeout: 0,
  })
  let bytes = 0
  for await (const chunk of response.body) bytes += chunk.length
  clearInterval(sampler)
  const seconds = (performance.now() - began) / 1000
  const peak = samples.reduce((top, sample) => (sample.rss > top.rss ? sample : top))
  const halfway = samples[Math.floor(samples.length / 2)]
  console.log(
    process.env.NODE_OPTIONS
      ? `NODE_OPTIONS=${process.env.NODE_OPTIONS}`
      : `V8 settings: ${nodeFlags.join(' ')}`,
  )
  console.log(`export: ${response.statusCode}, ${Math.round(bytes / 2 ** 20)} MiB in ${seconds.toFixed(1)} s`)
  console.log(
    `gateway RSS MiB: before ${Math.round(samples[0].rss)}, halfway ${Math.round(halfway.rss)}, peak ${Math.round(peak.rss)} (anonymous ${Math.round(peak.anon)})`,
  )
  gateway.send('stop')
  await new Promise((resolve) => gateway.once('exit', resolve))
  rmSync(directory, { recursive: true, force: true })
}
