import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { testUscc } from '../../gateway/test/helpers/identity.js'
import { UnprocessableEntityError } from '../src/index.js'
import { complaint, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'
import { loopbackProxy } from './helpers/loopback-proxy.js'

t.test(`every POST gets a key of its own; reads get none (${backend})`, async (t) => {
  const { baseUrl, regulatorCredentials } = await gatewayWithRegulator(t)
  const proxy = await loopbackProxy(t, baseUrl)
  const regulator = sdkClient(t, proxy.baseUrl, regulatorCredentials)
  const enterprise = await regulator.enterprises.create({
    name: '广州同城生活服务有限公司',
    uscc: testUscc(),
    contact: { name: '李经理', phone: '02088886666' },
  })
  await regulator.disputes.create(complaint(enterprise.id))
  await regulator.disputes.create(complaint(enterprise.id))
  await regulator.disputes.list()

  const keys = proxy.requests
    .filter((request) => request.path.startsWith('/v1/') && request.path !== '/v1/oauth/token')
    .map((request) => `${request.method} ${request.headers['idempotency-key'] ? 'key' : 'none'}`)
  t.same(keys, ['POST key', 'POST key', 'POST key', 'GET none'])
  const posted = proxy.requests.filter(
    (request) => request.path === '/v1/disputes' && request.method === 'POST',
  )
  t.not(posted[0]?.headers['idempotency-key'], posted[1]?.headers['idempotency-key'], 'two calls, two keys')
})

t.test(`the caller's own key makes a repeated call answer with the first result (${backend})`, async (t) => {
  const { regulator } = await gatewayWithRegulator(t)
  const enterprise = await regulator.enterprises.create({
    name: '成都天府网络科技有限公司',
    uscc: testUscc(),
    contact: { name: '赵经理', phone: '02888886666' },
  })
  const ticket = complaint(enterprise.id)

  const first = await regulator.disputes.create(ticket, { idempotencyKey: `intake-${ticket.external_ref}` })
  const repeated = await regulator.disputes.create(ticket, {
    idempotencyKey: `intake-${ticket.external_ref}`,
  })
  t.same(repeated, first, 'the stored answer, not a second dispute')

  await t.rejects(
    regulator.disputes.create(
      { ...ticket, category: 'changed' },
      { idempotencyKey: `intake-${ticket.external_ref}` },
    ),
    UnprocessableEntityError,
    'the same key with another body is refused',
  )
})
