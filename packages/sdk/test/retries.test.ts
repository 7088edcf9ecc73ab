import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { ConflictError, HejieError, RateLimitError } from '../src/index.js'
import { retryAfterMs, retryDelayMs } from '../src/internal/retry.js'
import { complaint, enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'
import { loopbackProxy, type ProxiedRequest } from './helpers/loopback-proxy.js'

async function enterpriseBehindProxy(t: Parameters<typeof gatewayWithRegulator>[0], options = {}) {
  const { baseUrl, regulator } = await gatewayWithRegulator(t, options)
  const company = await enrolEnterprise(regulator, '深圳乐享科技有限公司')
  const dispute = await regulator.disputes.create(complaint(company.enterprise.id))
  const proxy = await loopbackProxy(t, baseUrl)
  return { proxy, dispute, enterprise: sdkClient(t, proxy.baseUrl, company.credentials) }
}

const to = (path: string) => (request: ProxiedRequest) => request.path === path

t.test(`a 503 from the gateway is retried and the call succeeds (${backend})`, async (t) => {
  const { proxy, enterprise, dispute } = await enterpriseBehindProxy(t)
  proxy.injectOnce(to(`/v1/disputes/${dispute.id}`), { status: 503, code: 'database_unavailable' })

  t.match(await enterprise.disputes.retrieve(dispute.id), { id: dispute.id })
  t.same(
    proxy.requests.filter(to(`/v1/disputes/${dispute.id}`)).map((request) => request.status),
    [503, 200],
  )
})

t.test(
  `409 idempotency_key_in_use is retried with the same key until the first answer is there (${backend})`,
  async (t) => {
    const { proxy, enterprise, dispute } = await enterpriseBehindProxy(t)
    const accept = to(`/v1/disputes/${dispute.id}/accept`)
    proxy.injectOnce(accept, { status: 409, code: 'idempotency_key_in_use' })

    t.match(await enterprise.disputes.accept(dispute.id), { status: 'in_progress' })
    const attempts = proxy.requests.filter(accept)
    t.same(
      attempts.map((request) => request.status),
      [409, 200],
    )
    t.equal(attempts[0]?.headers['idempotency-key'], attempts[1]?.headers['idempotency-key'])
  },
)

t.test(`409 invalid_transition is an answer, not retried (${backend})`, async (t) => {
  const { proxy, enterprise, dispute } = await enterpriseBehindProxy(t)
  await enterprise.disputes.accept(dispute.id)

  const error = await enterprise.disputes.accept(dispute.id).catch((error: unknown) => error)

  t.type(error, ConflictError)
  t.match(error, { code: 'invalid_transition', body: { current_status: 'in_progress' } })
  t.equal(proxy.requests.filter(to(`/v1/disputes/${dispute.id}/accept`)).length, 2, 'one request per call')
})

t.test(`a 429 waits for retry-after, then the call succeeds (${backend})`, async (t) => {
  const { proxy, enterprise } = await enterpriseBehindProxy(t, {
    config: { rateLimitMax: 2, rateLimitWindowMs: 1000 },
  })
  // The first call on a new token counts against the source address (the token is not yet
  // verified there); the next ones against the client, whose budget of two the fourth exceeds.
  for (let call = 0; call < 4; call++) await enterprise.me()

  const answers = proxy.requests.filter(to('/v1/me')).map((request) => request.status)
  t.ok(answers.includes(429), 'the budget ran out')
  t.equal(answers.at(-1), 200, 'and the last call succeeded after the wait')

  proxy.injectOnce(to('/v1/me'), { status: 429, code: 'rate_limited', headers: { 'retry-after': '3600' } })
  await t.rejects(
    enterprise.me(),
    RateLimitError,
    'a wait of an hour is the caller’s decision, not slept through',
  )
})

t.test('which failures are retried, and after how long', async (t) => {
  const failure = (status: number | undefined, code?: string, headers: Record<string, string> = {}) =>
    new HejieError('failure', { ...(status ? { status } : {}), ...(code ? { code } : {}), headers })
  const half = () => 0.5
  const cases: { given: HejieError; retry: number; want: number | undefined; why: string }[] = [
    { given: failure(500), retry: 1, want: 375, why: '5xx: 0.5 s, jittered within its upper half' },
    { given: failure(502), retry: 2, want: 750, why: 'doubles' },
    { given: failure(503), retry: 10, want: 6000, why: 'capped at 8 s' },
    { given: failure(408), retry: 1, want: 375, why: 'request timeout' },
    {
      given: failure(429, 'rate_limited', { 'retry-after': '2' }),
      retry: 1,
      want: 2000,
      why: 'retry-after wins',
    },
    {
      given: failure(503, undefined, { 'retry-after': '61' }),
      retry: 1,
      want: undefined,
      why: 'over a minute',
    },
    { given: failure(409, 'idempotency_key_in_use'), retry: 1, want: 375, why: 'the first is still running' },
    { given: failure(409, 'invalid_transition'), retry: 1, want: undefined, why: 'a final answer' },
    {
      given: failure(400, 'validation_failed'),
      retry: 1,
      want: undefined,
      why: 'the same request fails again',
    },
    { given: failure(401, 'invalid_token'), retry: 1, want: undefined, why: 'handled by a token refresh' },
    { given: failure(404, 'not_found'), retry: 1, want: undefined, why: 'not there' },
    { given: failure(422, 'refund_exceeds_settlement'), retry: 1, want: undefined, why: 'refused' },
  ]
  for (const { given, retry, want, why } of cases) t.equal(retryDelayMs(given, retry, half), want, why)
})

t.test('retry-after is read as seconds or as an HTTP date', async (t) => {
  const now = Date.parse('2026-11-28T08:00:00.000Z')
  t.equal(retryAfterMs({ 'retry-after': '7' }, now), 7000)
  t.equal(retryAfterMs({ 'retry-after': 'Sat, 28 Nov 2026 08:00:05 GMT' }, now), 5000)
  t.equal(retryAfterMs({ 'retry-after': 'soon' }, now), undefined)
  t.equal(retryAfterMs({}, now), undefined)
})
