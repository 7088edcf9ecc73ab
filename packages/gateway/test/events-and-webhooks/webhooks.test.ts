import { Webhook } from 'standardwebhooks'
import t, { type Test } from 'tap'
import type { Config } from '../../src/config.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { startReceiver, typesOf } from '../helpers/receiver.js'

const fastRetries = [0, 150, 150, 150, 150]

async function setUp(t: Test, config: Partial<Config> = {}) {
  const { app, database } = await testApp(t, {
    config: { webhookAllowPrivateTargets: true, webhookRetryScheduleMs: fastRetries, ...config },
  })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const enterprise = await enrolEnterprise(app, regulatorToken, '京东')
  return { app, database, regulatorToken, enterprise }
}

async function subscribe(app: Parameters<typeof as>[0], token: string, url: string, eventTypes = ['*']) {
  const res = await as(
    app,
    token,
  )({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    payload: { url, event_types: eventTypes, description: 'CRM' },
  })
  if (res.statusCode !== 201) throw new Error(`subscribe: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; secret: string }
}

function headersOf(request: { headers: Record<string, unknown> }): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]))
}

t.test(
  `a receiver on loopback gets dispute.assigned within a second and verifies it (${backend})`,
  async (t) => {
    const { app, regulatorToken, enterprise } = await setUp(t)
    const receiver = await startReceiver(t)
    const endpoint = await subscribe(app, enterprise.token, receiver.url, ['dispute.assigned'])
    t.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]{43}=$/)

    const started = Date.now()
    const dispute = await intakeDispute(app, regulatorToken, enterprise.id)
    await receiver.waitFor((r) => r.length === 1, 1000)
    t.ok(receiver.received[0] && receiver.received[0].at - started < 1000, 'delivered within 1 s of intake')

    const [request] = receiver.received
    if (!request) throw new Error('nothing received')
    const event = new Webhook(endpoint.secret).verify(request.body, headersOf(request)) as Record<
      string,
      unknown
    >
    t.match(event, {
      type: 'dispute.assigned',
      enterprise_id: enterprise.id,
      data: { object: { id: dispute.id } },
    })
    t.equal(request.headers['webhook-id'], event.id, 'webhook-id is the event id')
    const feed = (await as(app, enterprise.token)({ url: '/v1/events' })).json()
    t.same(JSON.parse(request.body), feed.data[0], 'the body is the event as the feed serves it')
    t.throws(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(request.body, headersOf(request)),
    )
  },
)

t.test(
  'a receiver that fails three times gets the event on the fourth attempt, all four logged',
  async (t) => {
    const { app, regulatorToken, enterprise } = await setUp(t)
    const receiver = await startReceiver(t, (_request, index) =>
      index < 3 ? { status: 503, body: `busy ${index + 1}` } : { status: 204 },
    )
    const endpoint = await subscribe(app, enterprise.token, receiver.url)
    await intakeDispute(app, regulatorToken, enterprise.id)
    await receiver.waitFor((r) => r.length === 4, 5000)
    t.same(
      new Set(receiver.received.map((r) => r.headers['webhook-id'])).size,
      1,
      'the same webhook-id every time',
    )

    let log = (
      await as(app, enterprise.token)({ url: `/v1/webhook-endpoints/${endpoint.id}/deliveries` })
    ).json()
    for (let i = 0; i < 50 && log.data[0].status !== 'succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      log = (
        await as(app, enterprise.token)({ url: `/v1/webhook-endpoints/${endpoint.id}/deliveries` })
      ).json()
    }
    t.equal(log.data.length, 1)
    t.match(log.data[0], { object: 'webhook_delivery', status: 'succeeded', next_attempt_at: null })
    t.same(
      log.data[0].attempts.map((a: { attempt: number; status_code: number }) => [a.attempt, a.status_code]),
      [
        [1, 503],
        [2, 503],
        [3, 503],
        [4, 204],
      ],
    )
    t.equal(log.data[0].attempts[0].response_excerpt, 'busy 1')
    t.ok(log.data[0].attempts.every((a: { duration_ms: number }) => a.duration_ms >= 0))
  },
)

t.test('a delivery fails after the last attempt; retry and recover queue it again', async (t) => {
  const { app, regulatorToken, enterprise } = await setUp(t, { webhookRetryScheduleMs: [0, 100] })
  let healthy = false
  const receiver = await startReceiver(t, () => (healthy ? { status: 200 } : { status: 500 }))
  const endpoint = await subscribe(app, enterprise.token, receiver.url, ['dispute.assigned'])
  const since = new Date().toISOString()
  await intakeDispute(app, regulatorToken, enterprise.id)
  await intakeDispute(app, regulatorToken, enterprise.id)
  const deliveriesOf = async () =>
    (await as(app, enterprise.token)({ url: `/v1/webhook-endpoints/${endpoint.id}/deliveries` })).json().data
  const until = async (predicate: (data: { id: string; status: string }[]) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const data = await deliveriesOf()
      if (predicate(data)) return data
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new Error('timed out')
  }
  const failed = await until((data) => data.length === 2 && data.every((d) => d.status === 'failed'))
  t.equal(failed[0].attempts.length, 2, 'two attempts by the schedule')

  healthy = true
  const retried = await as(
    app,
    enterprise.token,
  )({ method: 'POST', url: `/v1/webhook-deliveries/${failed[0].id}/retry` })
  t.equal(retried.statusCode, 202)
  await until((data) => data.find((d) => d.id === failed[0].id)?.status === 'succeeded')

  const recovered = await as(
    app,
    enterprise.token,
  )({
    method: 'POST',
    url: `/v1/webhook-endpoints/${endpoint.id}/recover`,
    payload: { since },
  })
  t.match(recovered.json(), { object: 'webhook_recovery', requeued: 1 })
  await until((data) => data.every((d) => d.status === 'succeeded'))

  const stranger = await enrolEnterprise(app, regulatorToken, '淘宝')
  const foreign = await as(
    app,
    stranger.token,
  )({ method: 'POST', url: `/v1/webhook-deliveries/${failed[0].id}/retry` })
  t.equal(foreign.statusCode, 404, "another tenant's delivery does not exist for them")
})

t.test('endpoints belong to their owner; the secret is shown once', async (t) => {
  const { app, regulatorToken, enterprise } = await setUp(t)
  const created = await as(
    app,
    enterprise.token,
  )({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    headers: { 'idempotency-key': 'endpoint-1' },
    payload: { url: 'https://crm.example.com/hooks', event_types: ['dispute.assigned'] },
  })
  t.equal(created.statusCode, 201)
  const replay = await as(
    app,
    enterprise.token,
  )({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    headers: { 'idempotency-key': 'endpoint-1' },
    payload: { url: 'https://crm.example.com/hooks', event_types: ['dispute.assigned'] },
  })
  t.equal(replay.json().id, created.json().id)
  t.equal(replay.json().secret, null, 'a replay does not show the secret again')
  const id = created.json().id

  const listed = (await as(app, enterprise.token)({ url: '/v1/webhook-endpoints' })).json()
  t.same(
    listed.data.map((e: { id: string }) => e.id),
    [id],
  )
  t.notOk('secret' in listed.data[0], 'lists never show secrets')
  t.same(
    (await as(app, regulatorToken)({ url: '/v1/webhook-endpoints' })).json().data,
    [],
    'regulators see their own',
  )
  const stranger = await enrolEnterprise(app, regulatorToken, '拼多多')
  for (const [method, url] of [
    ['GET', `/v1/webhook-endpoints/${id}`],
    ['DELETE', `/v1/webhook-endpoints/${id}`],
    ['POST', `/v1/webhook-endpoints/${id}/test`],
    ['GET', `/v1/webhook-endpoints/${id}/deliveries`],
  ] as const) {
    t.equal(
      (await as(app, stranger.token)({ method, url })).statusCode,
      404,
      `${method} ${url} by a stranger`,
    )
  }

  const patched = await as(
    app,
    enterprise.token,
  )({
    method: 'PATCH',
    url: `/v1/webhook-endpoints/${id}`,
    payload: { event_types: ['*'], status: 'disabled' },
  })
  t.match(patched.json(), {
    event_types: ['*'],
    status: 'disabled',
    disabled_reason: 'disabled through the API',
  })
  t.equal(
    (await as(app, enterprise.token)({ method: 'POST', url: `/v1/webhook-endpoints/${id}/test` })).statusCode,
    422,
  )
  t.equal(
    (await as(app, enterprise.token)({ method: 'DELETE', url: `/v1/webhook-endpoints/${id}` })).statusCode,
    200,
  )
  t.equal((await as(app, enterprise.token)({ url: `/v1/webhook-endpoints/${id}` })).statusCode, 404)
})

t.test('a test ping reaches only the endpoint it was sent to', async (t) => {
  const { app, enterprise } = await setUp(t)
  const pinged = await startReceiver(t)
  const other = await startReceiver(t)
  const endpoint = await subscribe(app, enterprise.token, pinged.url)
  await subscribe(app, enterprise.token, other.url)
  const res = await as(
    app,
    enterprise.token,
  )({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/test` })
  t.equal(res.statusCode, 202)
  await pinged.waitFor((r) => r.length === 1)
  t.same(typesOf(pinged.received), ['ping'])
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(other.received, [], 'the other endpoint got nothing')
})

t.test('after rotate-secret, deliveries carry two signatures and either secret verifies', async (t) => {
  const { app, regulatorToken, enterprise } = await setUp(t)
  const receiver = await startReceiver(t)
  const endpoint = await subscribe(app, enterprise.token, receiver.url)
  const rotated = await as(
    app,
    enterprise.token,
  )({
    method: 'POST',
    url: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`,
  })
  t.equal(rotated.statusCode, 200)
  const { secret: newSecret, previous_secret_expires_at } = rotated.json()
  t.not(newSecret, endpoint.secret)
  t.ok(Date.parse(previous_secret_expires_at) - Date.now() > 23.9 * 3600_000, 'the old secret signs for 24 h')

  await intakeDispute(app, regulatorToken, enterprise.id)
  await receiver.waitFor((r) => r.length === 1)
  const [request] = receiver.received
  if (!request) throw new Error('nothing received')
  t.equal(String(request.headers['webhook-signature']).split(' ').length, 2, 'two signatures')
  for (const secret of [endpoint.secret, newSecret]) {
    t.match(new Webhook(secret).verify(request.body, headersOf(request)), { type: 'dispute.assigned' })
  }
})

t.test('410 Gone disables the endpoint at once and emits webhook_endpoint.disabled', async (t) => {
  const { app, regulatorToken, enterprise } = await setUp(t)
  const gone = await startReceiver(t, () => ({ status: 410 }))
  const watcher = await startReceiver(t)
  const endpoint = await subscribe(app, enterprise.token, gone.url, ['dispute.assigned'])
  await subscribe(app, enterprise.token, watcher.url, ['webhook_endpoint.disabled'])
  await intakeDispute(app, regulatorToken, enterprise.id)
  await watcher.waitFor((r) => r.length === 1)
  t.equal(gone.received.length, 1, 'no retry after 410')
  const event = JSON.parse(watcher.received[0]?.body ?? '{}')
  t.match(event, {
    type: 'webhook_endpoint.disabled',
    data: { object: { id: endpoint.id, status: 'disabled' } },
  })
  t.match((await as(app, enterprise.token)({ url: `/v1/webhook-endpoints/${endpoint.id}` })).json(), {
    status: 'disabled',
    disabled_reason: 'the endpoint answered 410 Gone',
  })
})

t.test('an endpoint failing without a success for the configured time is disabled', async (t) => {
  const { app, regulatorToken, enterprise } = await setUp(t, {
    webhookDisableAfterMs: 1000,
    webhookRetryScheduleMs: [0, 400, 400, 400, 400, 400],
  })
  const receiver = await startReceiver(t, () => ({ status: 500 }))
  const endpoint = await subscribe(app, enterprise.token, receiver.url, ['dispute.assigned'])
  await intakeDispute(app, regulatorToken, enterprise.id)
  for (let i = 0; i < 150; i++) {
    const current = (await as(app, enterprise.token)({ url: `/v1/webhook-endpoints/${endpoint.id}` })).json()
    if (current.status === 'disabled') break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const current = (await as(app, enterprise.token)({ url: `/v1/webhook-endpoints/${endpoint.id}` })).json()
  t.equal(current.status, 'disabled')
  t.match(current.disabled_reason, /^failing without a success since /)
  const feed = (await as(app, enterprise.token)({ url: '/v1/events?types=webhook_endpoint.disabled' })).json()
  t.equal(feed.data.length, 1, 'the event is in the feed')
})

t.test(
  'metadata, private and loopback targets are refused when private targets are not allowed',
  async (t) => {
    // The receiver's port is allowed, so that the refusal below is the address's.
    const receiver = await startReceiver(t)
    const { app, enterprise } = await setUp(t, {
      webhookAllowPrivateTargets: false,
      webhookAllowedPorts: [receiver.port],
    })
    for (const url of [
      'http://169.254.169.254/',
      'http://10.0.0.1/',
      'https://10.0.0.1/',
      'https://[::ffff:127.0.0.1]/',
      'https://100.64.0.1/',
      'https://[fd00::1]/',
      'http://crm.example.com/',
    ]) {
      const res = await as(
        app,
        enterprise.token,
      )({
        method: 'POST',
        url: '/v1/webhook-endpoints',
        payload: { url, event_types: ['*'] },
      })
      t.equal(res.statusCode, 422, url)
      t.equal(res.json().code, 'webhook_url_not_allowed', url)
    }

    // A name is only known to be loopback after DNS: the connection is refused and logged.
    const endpoint = await subscribe(app, enterprise.token, `https://localhost:${receiver.port}/hooks`)
    await as(app, enterprise.token)({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/test` })
    let attempt: { status_code: number | null; error: string } | undefined
    for (let i = 0; i < 100 && !attempt; i++) {
      const log = (
        await as(app, enterprise.token)({ url: `/v1/webhook-endpoints/${endpoint.id}/deliveries` })
      ).json()
      attempt = log.data[0]?.attempts[0]
      if (!attempt) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    t.equal(attempt?.status_code, null)
    t.match(attempt?.error, /refused to connect to localhost: (127\.0\.0\.1|::1) is a loopback address/)
    t.same(receiver.received, [], 'nothing reached the loopback receiver')
  },
)
