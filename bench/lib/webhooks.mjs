// The parts of the webhook benchmark that run in processes of their own (lib/service.mjs):
// the receiver, the gateway with its subscribed endpoint, and the bare sender.
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedDisputes } from './dispute-fixture.mjs'
import { startGateway } from './gateway.mjs'
import { importFromSdk } from './workspace.mjs'

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across processes. */
export const epochMs = () => performance.timeOrigin + performance.now()

/**
 * A webhook receiver on loopback, as an integrator would write it with the Standard Webhooks
 * library: every request's signature is verified, a valid one is answered 204, an invalid
 * one 400 (and counted, failing the run). It records when each request arrived (headers
 * read), the event's `created_at`, and the dispute and version the event is about, so that
 * arrivals can be matched with the writes that caused them.
 */
export async function startReceiver() {
  const sdkWebhooks = await importFromSdk('standardwebhooks')
  const Webhook = sdkWebhooks.Webhook ?? sdkWebhooks.default?.Webhook
  let verifier
  let arrivals = []
  let seen = new Set()
  let invalid = 0
  let duplicates = 0
  let lastError = null
  let sampleBody = null
  let waiters = []

  const settle = () => {
    waiters = waiters.filter((waiter) => {
      if (seen.size < waiter.count) return true
      clearTimeout(waiter.timer)
      waiter.resolve(summary())
      return false
    })
  }
  const summary = () => ({
    received: seen.size,
    invalid,
    duplicates,
    lastError,
    firstAt: arrivals[0]?.at ?? null,
    lastAt: arrivals.at(-1)?.at ?? null,
  })

  const server = createServer((request, response) => {
    const at = epochMs()
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let event
      try {
        if (!verifier) throw new Error('no secret configured yet')
        event = verifier.verify(body, request.headers)
      } catch (error) {
        invalid += 1
        lastError = String(error?.message ?? error)
        response.writeHead(400).end()
        return
      }
      const id = request.headers['webhook-id']
      sampleBody ??= body
      if (seen.has(id)) duplicates += 1
      else {
        seen.add(id)
        const object = event?.data?.object
        arrivals.push({
          at,
          createdAt: Date.parse(event?.created_at),
          disputeId: object?.id ?? null,
          version: object?.version ?? null,
        })
      }
      response.writeHead(204).end()
      settle()
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))

  return {
    info: { url: `http://127.0.0.1:${server.address().port}/hooks` },
    configure(secret) {
      verifier = new Webhook(secret)
    },
    reset() {
      arrivals = []
      seen = new Set()
      invalid = 0
      duplicates = 0
      lastError = null
    },
    summary,
    /** Resolves once `count` distinct deliveries arrived; rejects after `timeoutMs`. */
    waitFor(count, timeoutMs) {
      if (seen.size >= count) return summary()
      return new Promise((resolve, reject) => {
        const waiter = { count, resolve }
        waiter.timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter)
          reject(
            new Error(
              `only ${seen.size} of ${count} deliveries arrived within ${timeoutMs / 1000} s ` +
                `(${invalid} with an invalid signature${lastError ? `: ${lastError}` : ''})`,
            ),
          )
        }, timeoutMs)
        waiters.push(waiter)
      })
    },
    /** The body of a delivery received: what the baseline sends. */
    sampleBody: () => sampleBody,
    /** Every arrival since the last reset: { at, createdAt, disputeId, version }. */
    arrivals: () => arrivals,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/**
 * The real gateway (lib/gateway.mjs) with an enterprise, `disputes` disputes and that
 * enterprise's webhook endpoint subscribed to every event at `receiverUrl`. With
 * `dispatch: false` it only writes (deliveries queue up for a `hejie-gateway worker`); its
 * database file and master key are then in `info`, for the worker.
 */
export async function startSubscribedGateway({ receiverUrl, disputes = 200, dispatch = true, webhook = {} }) {
  const directory = await mkdtemp(join(tmpdir(), 'hejie-bench-webhooks-'))
  const sqlitePath = join(directory, 'hejie.db')
  const masterKey = randomBytes(32).toString('base64')
  try {
    const gateway = await startGateway({
      sqlitePath,
      config: {
        masterKey,
        webhookDispatch: dispatch,
        webhookAllowPrivateTargets: true,
        ...webhook,
      },
      async seed(app, database) {
        const seeded = await seedDisputes(app, database, { count: disputes })
        const created = await app.inject({
          method: 'POST',
          url: '/v1/webhook-endpoints',
          headers: { authorization: `Bearer ${seeded.token}`, 'idempotency-key': randomUUID() },
          payload: { url: receiverUrl, event_types: ['*'], description: 'benchmark receiver' },
        })
        if (created.statusCode !== 201) {
          throw new Error(`creating the webhook endpoint answered ${created.statusCode}: ${created.body}`)
        }
        const { id, secret } = created.json()
        return { token: seeded.token, disputeIds: seeded.disputeIds, endpointId: id, secret }
      },
    })
    return {
      port: gateway.port,
      info: { ...gateway.info, port: gateway.port, sqlitePath, masterKey },
      async close() {
        try {
          await gateway.close()
        } finally {
          await rm(directory, { recursive: true, force: true })
        }
      },
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true })
    throw error
  }
}

/**
 * The baseline of delivery throughput: the dispatcher's own send code (`sendDelivery`:
 * Standard Webhooks signing, the SSRF-guarded undici agent, the timeout, reading the
 * answer) with the same concurrency, sending the same event body, with no database: no
 * claim before a send, no attempt recorded after it.
 */
export async function startBareSender({ url, secret, body, concurrency, timeoutMs = 10_000 }) {
  const { sendDelivery, webhookAgent } = await import('@hejie/gateway')
  const agent = webhookAgent({ allowPrivate: true, timeoutMs, connections: concurrency })
  return {
    /** Sends `count` deliveries, `concurrency` at a time; resolves to the failures. */
    async send(count) {
      let next = 0
      const failures = []
      const lane = async () => {
        while (next < count) {
          next += 1
          const delivery = { id: randomUUID(), event_id: `evt_${randomUUID()}`, url, data: body }
          const result = await sendDelivery(agent, delivery, [secret], timeoutMs)
          if (result.statusCode !== 204) failures.push(result.error ?? `answered ${result.statusCode}`)
        }
      }
      await Promise.all(Array.from({ length: concurrency }, lane))
      return { failures: failures.slice(0, 5), failed: failures.length }
    },
    close: () => agent.close(),
  }
}
