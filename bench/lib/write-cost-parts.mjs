// The write-cost benchmark's gateway (lib/service.mjs): the real gateway on a fresh SQLite
// file, with every statement it runs counted where better-sqlite3 runs it.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { seedDisputes } from './dispute-fixture.mjs'

const gatewayPackage = new URL('../../packages/gateway/package.json', import.meta.url)

/** Bytes this process has caused to be written to storage so far (/proc/self/io). */
function writtenBytes() {
  return Number(/^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? Number.NaN)
}

export async function startCountedGateway() {
  // The gateway's own better-sqlite3: the statements it prepares are counted as they run.
  const SQLite = createRequire(gatewayPackage)('better-sqlite3')
  const counts = { statements: 0, commits: 0 }
  const probe = new SQLite(':memory:')
  const prototype = Object.getPrototypeOf(probe.prepare('select 1'))
  probe.close()
  for (const method of ['run', 'all', 'get', 'iterate']) {
    const original = prototype[method]
    prototype[method] = function counted(...args) {
      counts.statements += 1
      if (this.source === 'commit') counts.commits += 1
      return original.apply(this, args)
    }
  }
  const { startGateway } = await import('./gateway.mjs')
  const gateway = await startGateway({ seed: (app, database) => seedDisputes(app, database, { count: 50 }) })
  return {
    ...gateway,
    info: { ...gateway.info, port: gateway.port },
    counters: () => ({ ...counts, writtenBytes: writtenBytes() }),
  }
}
