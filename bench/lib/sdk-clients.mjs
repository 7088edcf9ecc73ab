// The parts of the SDK benchmark that run in processes of their own (lib/service.mjs): the
// gateway, a client through the SDK and a client of raw undici requests.
import { seedDisputes } from './dispute-fixture.mjs'
import { startGateway } from './gateway.mjs'
import { latencySummary } from './stats.mjs'
import { importFromSdk, sdkUrl } from './workspace.mjs'

/** The real gateway with 200 disputes of one enterprise, whose client's credentials are in `info`. */
export async function startDisputeGateway() {
  const gateway = await startGateway({ seed: (app, database) => seedDisputes(app, database) })
  return { ...gateway, info: { ...gateway.info, port: gateway.port } }
}

/**
 * Keeps `concurrency` calls in flight for `seconds` and reports the calls made, their
 * latency, and the CPU this process spent meanwhile: the client's own cost per call.
 */
async function drive(call, seconds, concurrency) {
  const millis = []
  let errors = 0
  let lastError = null
  const cpuBefore = process.cpuUsage()
  const begin = performance.now()
  const until = begin + seconds * 1000
  const lane = async () => {
    while (performance.now() < until) {
      const started = performance.now()
      try {
        await call()
        millis.push(performance.now() - started)
      } catch (error) {
        errors += 1
        lastError = String(error?.message ?? error)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  const wall = (performance.now() - begin) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  return {
    requests: millis.length,
    seconds: wall,
    requestsPerSecond: millis.length / wall,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, millis.length),
    cores: (cpu.user + cpu.system) / 1e6 / wall,
    latencyMs: latencySummary(millis),
    errors,
    lastError,
  }
}

/** What is called: one dispute, or a page of 20. */
function paths(call, disputeId) {
  return call === 'list' ? '/v1/disputes?limit=20' : `/v1/disputes/${disputeId}`
}

function check(call, body, disputeId) {
  const ok = call === 'list' ? body?.data?.length === 20 : body?.id === disputeId
  if (!ok) throw new Error(`unexpected answer: ${JSON.stringify(body).slice(0, 200)}`)
}

/**
 * `hejie.disputes.retrieve(id)` (or `list({ limit: 20 })`, first page) through the SDK as
 * an integrator uses it: its own token from the client credentials, retries, timeouts,
 * errors mapped; an undici Agent with `connections` connections as its dispatcher.
 */
export async function startSdkClient({ port, clientId, clientSecret, disputeId, connections, call }) {
  const [{ Hejie }, { Agent }] = await Promise.all([import(sdkUrl), importFromSdk('undici')])
  const dispatcher = new Agent({ connections })
  const hejie = new Hejie({ baseUrl: `http://127.0.0.1:${port}`, clientId, clientSecret, dispatcher })
  const once =
    call === 'list'
      ? async () => check(call, await hejie.disputes.list({ limit: 20 }), disputeId)
      : async () => check(call, await hejie.disputes.retrieve(disputeId), disputeId)
  return {
    run: (seconds, concurrency) => drive(once, seconds, concurrency),
    close: () => dispatcher.close(),
  }
}

/**
 * The same call as a raw undici request on the same kind of Agent: the bearer token, the
 * status checked, the body parsed as JSON. Nothing else.
 */
export async function startRawClient({ port, token, disputeId, connections, call }) {
  const { Agent, request } = await importFromSdk('undici')
  const dispatcher = new Agent({ connections })
  const url = `http://127.0.0.1:${port}${paths(call, disputeId)}`
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' }
  const once = async () => {
    const response = await request(url, { dispatcher, headers })
    const body = JSON.parse(await response.body.text())
    if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`)
    check(call, body, disputeId)
  }
  return {
    run: (seconds, concurrency) => drive(once, seconds, concurrency),
    close: () => dispatcher.close(),
  }
}
