import { createServer } from 'node:net'
import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { APIConnectionError, APITimeoutError, type Hejie } from '../src/index.js'
import { complaint, enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'
import { loopbackProxy } from './helpers/loopback-proxy.js'

/** A gateway behind a fault-injecting proxy, an enterprise client that goes through it, and a dispute of its own. */
async function enterpriseBehindProxy(t: Parameters<typeof gatewayWithRegulator>[0], options = {}) {
  const { baseUrl, regulator } = await gatewayWithRegulator(t)
  const company = await enrolEnterprise(regulator, '杭州好物电子商务有限公司')
  const dispute = await regulator.disputes.create(complaint(company.enterprise.id))
  const proxy = await loopbackProxy(t, baseUrl)
  const enterprise = sdkClient(t, proxy.baseUrl, company.credentials, options)
  return { proxy, enterprise, dispute }
}

async function settle(enterprise: Hejie, disputeId: string) {
  await enterprise.disputes.accept(disputeId)
  return enterprise.disputes.recordSettlement(disputeId, {
    remedy: 'partial_refund',
    amount: { amount: 2700, currency: 'CNY' },
    terms: 'Refund of the unused 27.00 yuan of the annual video membership.',
    agreed_at: new Date().toISOString(),
    consumer_consent: { method: 'phone_recording', reference: 'REC-20261128-0042' },
  })
}

t.test(
  `a connection dropped after the gateway committed a refund is retried with the same key, and one refund exists (${backend})`,
  async (t) => {
    const { proxy, enterprise, dispute } = await enterpriseBehindProxy(t)
    await settle(enterprise, dispute.id)
    const isRefund = (request: { method: string; path: string }) =>
      request.method === 'POST' && request.path === `/v1/disputes/${dispute.id}/refunds`
    proxy.injectOnce(isRefund, 'drop-answer')

    const refund = await enterprise.disputes.recordRefund(dispute.id, {
      amount: { amount: 2700, currency: 'CNY' },
      method: 'original_payment',
      reference: 'RF-99120001',
      refunded_at: new Date().toISOString(),
    })

    const attempts = proxy.requests.filter(isRefund)
    t.equal(attempts.length, 2, 'sent twice: the first answer never arrived')
    t.equal(attempts[0]?.status, undefined, 'the first attempt got no answer')
    t.match(attempts[0]?.headers['idempotency-key'], /^[0-9a-f-]{36}$/, 'a generated key')
    t.equal(attempts[1]?.headers['idempotency-key'], attempts[0]?.headers['idempotency-key'], 'the same key')
    t.match(refund, { object: 'refund', id: /^rfd_/, amount: { amount: 2700 } })

    const refunds = []
    for await (const entry of enterprise.disputes.timeline(dispute.id)) {
      if (entry.action === 'refund.recorded') refunds.push(entry.object_id)
    }
    t.same(refunds, [refund.id], 'exactly one refund, the one returned')
    t.same((await enterprise.disputes.retrieve(dispute.id)).refunded, { amount: 2700, currency: 'CNY' })
  },
)

t.test(`an answer that does not come in time is an APITimeoutError, then retried (${backend})`, async (t) => {
  const { proxy, enterprise, dispute } = await enterpriseBehindProxy(t)
  const isRetrieve = (request: { path: string }) => request.path === `/v1/disputes/${dispute.id}`

  proxy.injectOnce(isRetrieve, 'no-answer')
  await t.rejects(
    enterprise.disputes.retrieve(dispute.id, { timeoutMs: 300, maxRetries: 0 }),
    APITimeoutError,
  )

  proxy.injectOnce(isRetrieve, 'no-answer')
  // Long enough for a busy machine to answer the second attempt.
  const retried = await enterprise.disputes.retrieve(dispute.id, { timeoutMs: 3000 })
  t.match(retried, { id: dispute.id }, 'the second attempt answers')
  t.equal(proxy.requests.filter(isRetrieve).length, 3)
})

t.test(`an aborted call rejects with the signal's reason and is not retried (${backend})`, async (t) => {
  const { proxy, enterprise, dispute } = await enterpriseBehindProxy(t)
  const isRetrieve = (request: { path: string }) => request.path === `/v1/disputes/${dispute.id}`
  proxy.injectOnce(isRetrieve, 'no-answer')
  const controller = new AbortController()

  const call = enterprise.disputes.retrieve(dispute.id, { signal: controller.signal })
  while (proxy.requests.filter(isRetrieve).length === 0)
    await new Promise((resolve) => setTimeout(resolve, 10))
  controller.abort()

  await t.rejects(call, { name: 'AbortError' })
  t.equal(proxy.requests.filter(isRetrieve).length, 1)
})

t.test('a gateway that cannot be reached is an APIConnectionError that names the target', async (t) => {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  const hejie = sdkClient(
    t,
    `http://127.0.0.1:${port}`,
    { clientId: 'cli_x', clientSecret: 'x' },
    { maxRetries: 1 },
  )

  const error = await hejie.me().catch((error: unknown) => error)

  t.type(error, APIConnectionError)
  t.notOk(error instanceof APITimeoutError)
  t.match(error, {
    status: undefined,
    message: new RegExp(`POST http://127.0.0.1:${port}/v1/oauth/token failed`),
  })
})
