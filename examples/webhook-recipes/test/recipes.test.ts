import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { HejieEvent } from '@hejie/sdk'
import t, { type Test } from 'tap'
import { backend } from '../../../packages/gateway/test/helpers/database.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  sdkClient,
} from '../../../packages/sdk/test/helpers/gateway.js'
import { createExpressReceiver } from '../src/express.js'
import { createFastifyReceiver } from '../src/fastify.js'
import { createKoaReceiver } from '../src/koa.js'
import { createNodeHttpReceiver } from '../src/node-http.js'
import { createWebhookHandler, MemoryDisputeStates, type WebhookHandler } from '../src/webhook-handler.js'

/** Starts a recipe on a free loopback port; resolves to its base URL and a way to stop it. */
type StartRecipe = (handler: WebhookHandler) => Promise<{ url: string; close: () => Promise<void> }>

function listening(server: Server) {
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
        close: () => {
          server.closeAllConnections()
          return new Promise((done) => server.close(() => done()))
        },
      }),
    )
  })
}

const recipes: [string, StartRecipe][] = [
  [
    'Fastify',
    async (handler) => {
      const app = createFastifyReceiver(handler)
      await app.listen({ port: 0, host: '127.0.0.1' })
      const { port } = app.server.address() as AddressInfo
      return { url: `http://127.0.0.1:${port}/webhooks`, close: () => app.close() }
    },
  ],
  ['Express', (handler) => listening(createExpressReceiver(handler).listen(0, '127.0.0.1'))],
  ['Koa', (handler) => listening(createKoaReceiver(handler).listen(0, '127.0.0.1'))],
  ['node:http', (handler) => listening(createNodeHttpReceiver(handler))],
]

interface Captured {
  headers: Record<string, string>
  body: string
  /** What the gateway was answered: the recipe's status, or 503 when the proxy held the event back. */
  status: number
  forwarded: boolean
}

/**
 * A proxy between the gateway and a recipe that records every delivery as sent, and makes
 * the network reorder one: it fails each attempt at a `dispute.assigned` (503, not passed
 * on) until a later event of the same dispute has reached the recipe, so the gateway's own
 * retry brings the older event after the newer one.
 */
async function reorderingProxy(t: Test) {
  const captured: Captured[] = []
  let recipeUrl = ''
  const newerDelivered = new Set<string>()
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const headers = signedHeadersOf(req.headers)
    const event = JSON.parse(body) as HejieEvent
    const disputeId = disputeIdOf(event)
    if (event.type === 'dispute.assigned' && !newerDelivered.has(disputeId)) {
      captured.push({ headers, body, status: 503, forwarded: false })
      res.writeHead(503).end()
      return
    }
    try {
      const answer = await fetch(recipeUrl, { method: 'POST', headers, body })
      if (answer.ok && event.type !== 'dispute.assigned') newerDelivered.add(disputeId)
      captured.push({ headers, body, status: answer.status, forwarded: true })
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(await answer.text())
    } catch {
      res.writeHead(502).end() // the recipe has stopped
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    captured,
    /** The recipe starts once the endpoint's secret is known, after the endpoint is created. */
    forwardTo(url: string) {
      recipeUrl = url
    },
  }
}

function signedHeadersOf(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const name of ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    kept[name] = String(headers[name])
  }
  return kept
}

function disputeIdOf(event: HejieEvent): string {
  const object = event.data.object as { object: string; id: string; dispute_id?: string }
  return object.object === 'dispute' ? object.id : String(object.dispute_id)
}

async function eventually(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms in vain for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const silent = { log: () => {}, error: () => {} }

// One gateway for the file, delivering to loopback (allowed for tests only) and retrying
// every half second instead of after minutes.
const gateway = await gatewayWithRegulator(t, {
  config: {
    webhookAllowPrivateTargets: true,
    webhookRetryScheduleMs: [0, 500, 500, 500, 500, 500, 500, 500, 500, 500],
  },
})

for (const [framework, startRecipe] of recipes) {
  t.test(
    `the ${framework} recipe verifies, de-duplicates and orders a real gateway's deliveries (${backend})`,
    async (t) => {
      const company = await enrolEnterprise(gateway.regulator, `${framework} 示例商城有限公司`)
      const enterprise = sdkClient(t, gateway.baseUrl, company.credentials)
      const proxy = await reorderingProxy(t)
      const endpoint = await enterprise.webhookEndpoints.create({
        url: proxy.url,
        event_types: ['dispute.assigned', 'dispute.updated', 'settlement.recorded'],
      })

      const processed: { event: HejieEvent; outdated: boolean }[] = []
      const disputes = new MemoryDisputeStates()
      const handler = createWebhookHandler({
        secret: endpoint.secret ?? '',
        disputes,
        log: silent,
        onEvent: (event, { outdated }) => {
          processed.push({ event, outdated })
        },
      })
      const recipe = await startRecipe(handler)
      t.teardown(recipe.close)
      proxy.forwardTo(recipe.url)

      // Intake, acceptance, a call with the consumer, settlement: four events, one dispute.
      const intake = await gateway.regulator.disputes.create(complaint(company.enterprise.id))
      await eventually('the intake event held back', () =>
        proxy.captured.some((request) => !request.forwarded),
      )
      await enterprise.disputes.accept(intake.id)
      await enterprise.disputes.recordContact(intake.id, {
        channel: 'phone',
        contacted_at: new Date().toISOString(),
        reached: true,
        summary: 'The consumer agrees to a refund of the unused part.',
      })
      await enterprise.disputes.recordSettlement(intake.id, {
        remedy: 'partial_refund',
        amount: { amount: 2700, currency: 'CNY' },
        terms: 'Refund of the unused 27.00 yuan of the annual membership.',
        agreed_at: new Date().toISOString(),
        consumer_consent: { method: 'phone_recording', reference: 'REC-20261207-0042' },
      })
      await eventually('four events processed', async () => {
        await handler.idle()
        return processed.length >= 4
      })
      await handler.idle()

      const eventsFor = (type: string) => processed.filter(({ event }) => event.type === type)
      const [assigned] = eventsFor('dispute.assigned')
      const updates = eventsFor('dispute.updated')
      const newestUpdate = updates.reduce((a, b) => (a.event.sequence > b.event.sequence ? a : b))

      t.test('processes each event of intake, acceptance, contact and settlement exactly once', async (t) => {
        t.equal(processed.length, 4)
        t.same(processed.map(({ event }) => event.type).sort(), [
          'dispute.assigned',
          'dispute.updated',
          'dispute.updated',
          'settlement.recorded',
        ])
        t.equal(new Set(processed.map(({ event }) => event.id)).size, 4, 'four different events')
        t.ok(
          processed.every(({ event }) => disputeIdOf(event) === intake.id),
          'all of the one dispute',
        )
      })

      t.test('keeps the newer state when an older event of the dispute arrives after it', async (t) => {
        const assignedAttempts = proxy.captured.filter(
          (request) => request.headers['webhook-id'] === assigned?.event.id,
        )
        t.ok(
          assignedAttempts.some((request) => !request.forwarded),
          'the intake event was held back at first, and came again by the gateway’s retry',
        )
        t.ok(
          (assigned?.event.sequence ?? 0) < newestUpdate.event.sequence,
          'the intake event is the older one',
        )
        t.equal(processed.at(0)?.event.type, 'dispute.updated', 'and the recipe got an update first')
        t.equal(assigned?.outdated, true, 'so the intake event is processed as outdated')
        const state = await disputes.get(intake.id)
        t.equal(state?.sequence, newestUpdate.event.sequence, 'the newest dispute event holds')
        t.equal(state?.dispute.status, 'in_progress', 'not the older “assigned”')
      })

      t.test('does not process a redelivery of the same event again', async (t) => {
        const { data: deliveries } = await enterprise.webhookEndpoints.deliveries(endpoint.id)
        const delivery = deliveries.find((one) => one.event_id === newestUpdate.event.id)
        if (!delivery) throw new Error('no delivery of the update')
        const before = proxy.captured.length
        await enterprise.webhookEndpoints.retryDelivery(delivery.id)
        await eventually('the retried delivery', () => proxy.captured.length > before)
        t.match(
          proxy.captured.slice(before),
          [{ headers: { 'webhook-id': newestUpdate.event.id }, status: 200, forwarded: true }],
          'the gateway sent it again, and the recipe answered 200',
        )

        const original = proxy.captured.find(
          (request) => request.headers['webhook-id'] === newestUpdate.event.id && request.forwarded,
        )
        if (!original) throw new Error('the update was not captured')
        const replay = await fetch(recipe.url, {
          method: 'POST',
          headers: original.headers,
          body: original.body,
        })
        t.equal(replay.status, 200, 'the exact request replayed is answered 200 too')
        t.equal(await replay.text(), 'Already received')

        await handler.idle()
        t.equal(processed.length, 4, 'neither was processed')
      })

      t.test('refuses a tampered body or signature with 401 and processes nothing', async (t) => {
        const original = proxy.captured.find(
          (request) => request.headers['webhook-id'] === newestUpdate.event.id && request.forwarded,
        )
        if (!original) throw new Error('the update was not captured')
        const tamperedBody = original.body.replace('"in_progress"', '"closed"')
        t.not(tamperedBody, original.body)
        const changed = await fetch(recipe.url, {
          method: 'POST',
          headers: original.headers,
          body: tamperedBody,
        })
        t.equal(changed.status, 401, 'a changed body')
        t.match(await changed.text(), /^No signature matches the body/)

        // A fresh id under the original signature: not a repeat, and not signed.
        const forged = await fetch(recipe.url, {
          method: 'POST',
          headers: { ...original.headers, 'webhook-id': 'evt_forged' },
          body: original.body,
        })
        t.equal(forged.status, 401, 'a signature that does not cover the id')

        const signature = original.headers['webhook-signature'] ?? ''
        const flipped = `${signature.slice(0, -3)}${signature.endsWith('A==') ? 'B==' : 'A=='}`
        const badSignature = await fetch(recipe.url, {
          method: 'POST',
          headers: { ...original.headers, 'webhook-signature': flipped },
          body: original.body,
        })
        t.equal(badSignature.status, 401, 'a changed signature')

        await handler.idle()
        t.equal(processed.length, 4, 'none of them processed')
        t.equal((await disputes.get(intake.id))?.dispute.status, 'in_progress', 'nor the state changed')
      })
    },
  )
}
