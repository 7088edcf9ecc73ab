import { integer, median, round3 } from '../lib/stats.mjs'

const parts = new URL('../lib/sdk-clients.mjs', import.meta.url).href
const calls = ['retrieve', 'list']

/**
 * The SDK against raw undici requests for the same call, on the same gateway process, each
 * client in a process of its own with the same connections and calls in flight, in
 * alternating timed rounds. The bar is on what the caller gets (requests/s); the client CPU
 * per request is reported beside it, since that is the SDK's own cost.
 */
export default {
  name: 'sdk-overhead',
  description: '`hejie.disputes.retrieve(id)` through the SDK vs a raw undici request with the same token',
  defaults: { duration: 10, rounds: 3, warmup: 3, connections: 16 },
  options: {
    list: {
      default: 0,
      min: 0,
      max: 1,
      description: '1 to call `disputes.list({ limit: 20 })` (first page) instead of `retrieve(id)`',
    },
  },
  async run(context) {
    const { options, log } = context
    const { duration, rounds, warmup, connections } = options
    const call = calls[options.list]
    const gateway = await context.service('gateway', parts, 'startDisputeGateway')
    const { port, clientId, clientSecret, token, disputeIds } = gateway.info
    const shared = { port, disputeId: disputeIds[0], connections, call }
    const clients = {
      sdk: await context.service('sdk', parts, 'startSdkClient', { ...shared, clientId, clientSecret }),
      raw: await context.service('raw', parts, 'startRawClient', { ...shared, token }),
    }
    const failures = []
    const round = async (side, seconds) => {
      const { value, cpu } = await context.measure(`${side} client`, () =>
        clients[side].call('run', seconds, connections),
      )
      if (value.errors > 0) failures.push(`${side}: ${value.errors} failed calls (${value.lastError})`)
      return { ...value, gatewayCores: cpu.cores.gateway, others: cpu.others }
    }
    if (warmup > 0) {
      for (const side of ['sdk', 'raw']) await round(side, warmup)
    }
    const measured = { sdk: [], raw: [] }
    for (let i = 1; i <= rounds; i++) {
      for (const side of ['sdk', 'raw']) {
        const result = await round(side, duration)
        measured[side].push(result)
        log(
          `round ${i}/${rounds} ${side.padEnd(4)} ${integer(result.requestsPerSecond)} req/s  p50 ${result.latencyMs.p50} ms` +
            `  p99 ${result.latencyMs.p99} ms  client ${Math.round(result.cpuMicrosPerRequest)} µs CPU/request` +
            `  cpu: client ${result.cores.toFixed(2)}, gateway ${result.gatewayCores.toFixed(2)}, others ${result.others?.toFixed(2)}`,
        )
      }
    }
    const summary = (list) => ({
      requestsPerSecond: Math.round(median(list.map((r) => r.requestsPerSecond))),
      p50: round3(median(list.map((r) => r.latencyMs.p50))),
      p99: round3(median(list.map((r) => r.latencyMs.p99))),
      cpuMicros: Math.round(median(list.map((r) => r.cpuMicrosPerRequest))),
      clientCores: round3(median(list.map((r) => r.cores))),
      gatewayCores: round3(median(list.map((r) => r.gatewayCores))),
      rounds: list.map((r) => integer(r.requestsPerSecond)).join(', '),
    })
    const sdk = summary(measured.sdk)
    const raw = summary(measured.raw)
    const ratio = round3(sdk.requestsPerSecond / raw.requestsPerSecond)
    const cpuRatio = round3(sdk.cpuMicros / raw.cpuMicros)
    const what = call === 'list' ? '`hejie.disputes.list({ limit: 20 })`' : '`hejie.disputes.retrieve(id)`'
    const rawWhat =
      call === 'list'
        ? '`undici.request` GET /v1/disputes?limit=20'
        : '`undici.request` GET /v1/disputes/{id}'
    return {
      settings: {
        call,
        connections,
        inFlight: connections,
        durationSeconds: duration,
        rounds,
        warmupSeconds: warmup,
      },
      summary:
        `${connections} connections and ${connections} calls in flight per client, ${warmup} s warm-up per side, ` +
        `then ${rounds} × ${duration} s rounds alternating SDK and raw, both against one gateway process with 200 ` +
        'disputes; each client in a process of its own, on the undici the SDK depends on.',
      tables: [
        {
          columns: [
            { key: 'side', label: 'side' },
            { key: 'label', label: 'client' },
            { key: 'requestsPerSecond', label: 'requests/s (median)', numeric: true },
            { key: 'rounds', label: 'rounds', numeric: true },
            { key: 'p50', label: 'p50 ms', numeric: true },
            { key: 'p99', label: 'p99 ms', numeric: true },
            { key: 'cpuMicros', label: 'client CPU µs/request', numeric: true },
            { key: 'clientCores', label: 'client cores', numeric: true },
            { key: 'gatewayCores', label: 'gateway cores', numeric: true },
          ],
          rows: [
            { side: 'target', label: `${what} (SDK)`, ...sdk },
            { side: 'baseline', label: `${rawWhat}, bearer token, JSON.parse`, ...raw },
          ],
        },
      ],
      bars: [
        {
          bar: 'SDK overhead ≤ 10 % (requests/s through the SDK ≥ 0.90 of raw requests)',
          value: `${ratio.toFixed(2)} of raw; client CPU per request ${cpuRatio.toFixed(2)}× raw`,
          met: ratio >= 0.9,
        },
      ],
      notes: [
        'When the gateway is the bottleneck (its cores near 1.0), both clients wait on it and the requests/s ' +
          'ratio shows little of the SDK; the client CPU per request is the SDK’s own cost and matters when ' +
          'the client, not the gateway, is what runs out of CPU.',
      ],
      data: measured,
      failures,
    }
  },
}
