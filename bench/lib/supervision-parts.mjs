// The supervision benchmark's parts that run in processes of their own (lib/service.mjs):
// the risk-signals job run by the gateway's own code on a corpus, and a client that reads a
// streamed CSV export while watching the gateway's memory.

import { residentMiB } from './cpu.mjs'
import { importFromSdk } from './workspace.mjs'

/**
 * The `risk-signals` job as the gateway schedules it (workers/jobs.ts): the gateway's own
 * `computeRiskSignals` with the default thresholds and the corpus's phone key, on its own
 * connection to the corpus (or its PostgreSQL copy at `databaseUrl`).
 */
export async function startRiskSignalRunner({ sqlitePath, databaseUrl, masterKey }) {
  const gateway = await import('@hejie/gateway')
  const database = gateway.openDatabase({ sqlitePath, databaseUrl })
  const thresholds = gateway.riskThresholdsFrom(gateway.loadConfig({}, {}))
  const keyer = gateway.PhoneKeyer.fromMasterKey(gateway.MasterKey.fromBase64(masterKey))
  return {
    /** One run as of `now` (an ISO time): what it found and how long it took, in seconds. */
    async run(now) {
      const begin = performance.now()
      const result = await gateway.computeRiskSignals(database, thresholds, keyer, new Date(now))
      return { ...result, seconds: (performance.now() - begin) / 1000 }
    },
    /** Forgets the stored signals, so that the next run raises what it finds, as a first run does. */
    async forget() {
      await database.db.deleteFrom('risk_signals').execute()
    },
    /** The signals stored, by kind. */
    async stored() {
      const rows = await database.db
        .selectFrom('risk_signals')
        .select(['kind', (eb) => eb.fn.countAll().as('count')])
        .groupBy('kind')
        .execute()
      return Object.fromEntries(rows.map((row) => [row.kind, Number(row.count)]))
    },
    close: () => database.close(),
  }
}

/**
 * Reads one streamed CSV answer to the end without keeping it: counts its bytes and lines,
 * checks the byte-order mark, and samples the gateway's resident memory every
 * `sampleMs` while the answer streams, so that "memory flat" is a series, not a peak.
 */
export async function startCsvReader() {
  const { Agent, request } = await importFromSdk('undici')
  const dispatcher = new Agent({ connections: 1, bodyTimeout: 600_000, headersTimeout: 600_000 })
  return {
    async read({ port, token, path, gatewayPid, sampleMs = 100 }) {
      const samples = [{ at: 0, mib: residentMiB(gatewayPid) }]
      const begin = performance.now()
      const sampler = setInterval(() => {
        samples.push({ at: (performance.now() - begin) / 1000, mib: residentMiB(gatewayPid) })
      }, sampleMs)
      let bytes = 0
      let lines = 0
      let firstByteSeconds = null
      let head = null
      try {
        const response = await request(`http://127.0.0.1:${port}${path}`, {
          dispatcher,
          headers: { authorization: `Bearer ${token}`, accept: 'text/csv' },
        })
        if (response.statusCode !== 200) {
          throw new Error(
            `${path} answered ${response.statusCode}: ${(await response.body.text()).slice(0, 300)}`,
          )
        }
        for await (const chunk of response.body) {
          if (head === null) {
            head = chunk.subarray(0, 3)
            firstByteSeconds = (performance.now() - begin) / 1000
          }
          bytes += chunk.length
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1
        }
      } finally {
        clearInterval(sampler)
      }
      const seconds = (performance.now() - begin) / 1000
      samples.push({ at: seconds, mib: residentMiB(gatewayPid) })
      return {
        bytes,
        lines,
        seconds,
        firstByteSeconds,
        bom: head !== null && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf,
        samples: samples.filter((s) => s.mib !== undefined),
      }
    },
    close: () => dispatcher.close(),
  }
}
