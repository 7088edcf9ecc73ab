import t, { type Test } from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { type Received, startReceiver } from '../../gateway/test/helpers/receiver.js'
import {
  type HejieEvent,
  type WebhookDelivery,
  type WebhookEndpoint,
  WebhookVerificationError,
  webhooks,
} from '../src/index.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  recordingAgent,
  sdkClient,
} from './helpers/gateway.js'

// Deliveries to a receiver on loopback (allowed for tests only), retried quickly.
const config = { webhookAllowPrivateTargets: true, webhookRetryScheduleMs: [0] }

async function setUp(t: Test) {
  const { baseUrl, regulator } = await gatewayWithRegulator(t, { config })
  const company = await enrolEnterprise(regulator, '杭州西湖电商有限公司')
  const { dispatcher, sent } = recordingAgent()
  const enterprise = sdkClient(t, baseUrl, company.credentials, { dispatcher })
  return { baseUrl, regulator, company, enterprise, sent }
}

/** Verifies a received request as a receiver would, with `secret`. */
const verified = (request: Received | undefined, secret: string): HejieEvent => {
  if (!request) throw new Error('nothing received')
  return webhooks.verify(request.body, request.headers, secret)
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

t.test(
  `an endpoint is created with its secret shown once, listed across pages, changed and deleted (${backend})`,
  async (t) => {
    const { enterprise, sent } = await setUp(t)
    const created: WebhookEndpoint[] = []
    for (const path of ['a', 'b', 'c']) {
      const endpoint = await enterprise.webhookEndpoints.create({
        url: `https://crm.example.com/hejie/${path}`,
        event_types: ['dispute.assigned', 'refund.recorded'],
        description: `CRM ${path}`,
      })
      t.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'the secret comes back on creation')
      created.push(endpoint)
    }

    sent.length = 0
    const listed: WebhookEndpoint[] = []
    for await (const endpoint of enterprise.webhookEndpoints.list({ limit: 2 })) listed.push(endpoint)
    t.same(
      listed.map((endpoint) => endpoint.id),
      created.map((endpoint) => endpoint.id).reverse(),
      'every endpoint, newest first',
    )
    t.same(
      sent.filter((line) => line.startsWith('GET ')).map((line) => line.replace(/cursor=[^&]+/, 'cursor=…')),
      ['GET /v1/webhook-endpoints?limit=2', 'GET /v1/webhook-endpoints?limit=2&cursor=…'],
      'two pages fetched as the loop needed them',
    )
    t.ok(
      listed.every((endpoint) => !('secret' in endpoint)),
      'a list never shows a secret',
    )

    const [first] = created
    if (!first) throw new Error('no endpoint')
    const read = await enterprise.webhookEndpoints.retrieve(first.id)
    t.match(read, { id: first.id, object: 'webhook_endpoint', status: 'enabled', description: 'CRM a' })
    t.notOk('secret' in read, 'nor does a read')

    const changed = await enterprise.webhookEndpoints.update(first.id, {
      url: 'https://crm.example.com/hejie/v2',
      event_types: ['*'],
      status: 'disabled',
    })
    t.match(changed, {
      url: 'https://crm.example.com/hejie/v2',
      event_types: ['*'],
      status: 'disabled',
      disabled_reason: 'disabled through the API',
    })
    await t.rejects(
      enterprise.webhookEndpoints.test(first.id),
      { name: 'UnprocessableEntityError', status: 422 },
      'a disabled endpoint cannot be pinged',
    )

    const deleted = await enterprise.webhookEndpoints.del(first.id)
    t.equal(deleted.id, first.id, 'del resolves with the endpoint as it was')
    await t.rejects(enterprise.webhookEndpoints.retrieve(first.id), { name: 'NotFoundError', status: 404 })
  },
)

t.test(
  `a test ping is delivered signed with the endpoint's secret and shows in its deliveries (${backend})`,
  async (t) => {
    const { enterprise } = await setUp(t)
    const receiver = await startReceiver(t)
    const endpoint = await enterprise.webhookEndpoints.create({ url: receiver.url, event_types: ['*'] })
    const secret = endpoint.secret ?? ''

    const pinged = await enterprise.webhookEndpoints.test(endpoint.id)
    t.equal(pinged.id, endpoint.id)
    await receiver.waitFor((received) => received.length === 1)
    const ping = verified(receiver.received[0], secret)
    t.match(ping, { type: 'ping', data: { object: { id: endpoint.id } } })

    const log = await eventually(
      async () => (await enterprise.webhookEndpoints.deliveries(endpoint.id)).data,
      (deliveries) => deliveries[0]?.status === 'succeeded',
    )
    t.match(log, [
      { object: 'webhook_delivery', endpoint_id: endpoint.id, event_id: ping.id, status: 'succeeded' },
    ])
    t.same(
      log[0]?.attempts.map((attempt) => attempt.status_code),
      [200],
      'with its one attempt',
    )

    const rotated = await enterprise.webhookEndpoints.rotateSecret(endpoint.id)
    t.match(rotated.secret, /^whsec_/)
    t.not(rotated.secret, secret, 'a new secret')
    t.ok(rotated.previous_secret_expires_at, 'the old one signs beside it for a while')
    await enterprise.webhookEndpoints.test(endpoint.id)
    await receiver.waitFor((received) => received.length === 2)
    const second = receiver.received[1]
    t.equal(verified(second, rotated.secret ?? '').type, 'ping', 'the new secret verifies')
    t.equal(verified(second, secret).type, 'ping', 'and so does the old one')
    t.throws(
      () => verified(second, `whsec_${Buffer.alloc(32, 7).toString('base64')}`),
      WebhookVerificationError,
      'another secret does not',
    )
  },
)

t.test(
  `failed deliveries are listed by status and sent again by retryDelivery and recover (${backend})`,
  async (t) => {
    const { regulator, company, enterprise } = await setUp(t)
    let healthy = false
    const receiver = await startReceiver(t, () => ({ status: healthy ? 204 : 503, body: 'down' }))
    const endpoint = await enterprise.webhookEndpoints.create({
      url: receiver.url,
      event_types: ['dispute.assigned'],
    })
    const since = new Date(Date.now() - 1000).toISOString()
    await regulator.disputes.create(complaint(company.enterprise.id))
    await regulator.disputes.create(complaint(company.enterprise.id))
    await regulator.disputes.create(complaint(company.enterprise.id))

    const failedOnes = async () => {
      const failed: WebhookDelivery[] = []
      for await (const delivery of enterprise.webhookEndpoints.deliveries(endpoint.id, {
        status: 'failed',
        limit: 2,
      }))
        failed.push(delivery)
      return failed
    }
    const failed = await eventually(failedOnes, (deliveries) => deliveries.length === 3)
    t.equal(failed.length, 3, 'the three deliveries failed, listed across two pages')
    t.match(failed[0]?.attempts, [{ attempt: 1, status_code: 503, response_excerpt: 'down' }])

    healthy = true
    const [newest] = failed
    if (!newest) throw new Error('no delivery')
    const retried = await enterprise.webhookEndpoints.retryDelivery(newest.id)
    t.match(retried, { id: newest.id, status: 'pending' })
    await eventually(failedOnes, (deliveries) => deliveries.length === 2)
    t.equal((await failedOnes()).length, 2, 'the retried delivery succeeded')

    const recovery = await enterprise.webhookEndpoints.recover(endpoint.id, { since })
    t.match(recovery, { object: 'webhook_recovery', endpoint_id: endpoint.id, requeued: 2 })
    const succeeded = await eventually(
      async () => (await enterprise.webhookEndpoints.deliveries(endpoint.id, { status: 'succeeded' })).data,
      (deliveries) => deliveries.length === 3,
    )
    t.equal(succeeded.length, 3, 'recover sent the other two')
    const delivered = new Set(
      receiver.received
        .filter((_, index) => index >= 3)
        .map((request) => verified(request, endpoint.secret ?? '').id),
    )
    t.same(
      [...delivered].sort(),
      failed.map((delivery) => delivery.event_id).sort(),
      'each failed event arrived once more',
    )
  },
)

t.test(`another enterprise's endpoint is not found; a private URL is refused (${backend})`, async (t) => {
  const { baseUrl, regulator, enterprise } = await setUp(t)
  const endpoint = await enterprise.webhookEndpoints.create({
    url: 'https://crm.example.com/hejie',
    event_types: ['*'],
  })
  const stranger = sdkClient(
    t,
    baseUrl,
    (await enrolEnterprise(regulator, '成都锦江旅游有限公司')).credentials,
  )
  const notFound = { name: 'NotFoundError', status: 404, code: 'not_found' }
  await t.rejects(stranger.webhookEndpoints.retrieve(endpoint.id), notFound)
  await t.rejects(stranger.webhookEndpoints.del(endpoint.id), notFound)
  await t.rejects(async () => stranger.webhookEndpoints.deliveries(endpoint.id), notFound)
  await t.rejects(stranger.webhookEndpoints.rotateSecret(endpoint.id), notFound)
  t.same((await regulator.webhookEndpoints.list()).data, [], 'a regulator sees the regulator endpoints only')

  // A gateway as deployed, with its SSRF protection on.
  const guarded = await gatewayWithRegulator(t)
  await t.rejects(
    guarded.regulator.webhookEndpoints.create({ url: 'https://127.0.0.1/hooks', event_types: ['*'] }),
    { name: 'UnprocessableEntityError', status: 422, code: 'webhook_url_not_allowed' },
  )
})

// Calls the spec does not allow do not compile.
export function wrongCalls(hejie: import('../src/index.js').Hejie) {
  // @ts-expect-error: not an event type
  void hejie.webhookEndpoints.create({ url: 'https://crm.example.com', event_types: ['dispute.created'] })
  // @ts-expect-error: `since` is required
  void hejie.webhookEndpoints.recover('whe_1', {})
  // @ts-expect-error: not a delivery status
  void hejie.webhookEndpoints.deliveries('whe_1', { status: 'retrying' })
}
