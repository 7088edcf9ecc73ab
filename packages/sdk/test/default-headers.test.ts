import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { testUscc } from '../../gateway/test/helpers/identity.js'
import { gatewayWithRegulator, sdkClient } from './helpers/gateway.js'
import { loopbackProxy } from './helpers/loopback-proxy.js'

t.test(`the client's headers go with every request, the token request included (${backend})`, async (t) => {
  const { baseUrl, regulatorCredentials } = await gatewayWithRegulator(t)
  const proxy = await loopbackProxy(t, baseUrl)
  const regulator = sdkClient(t, proxy.baseUrl, regulatorCredentials, {
    headers: { 'accept-language': 'zh-CN', 'idempotency-key': 'not-this-one' },
  })
  await regulator.enterprises.create({
    name: '杭州西湖数码有限公司',
    uscc: testUscc(),
    contact: { name: '周经理', phone: '057188886666' },
  })
  await regulator.disputes.list()
  await regulator.me({ headers: { 'accept-language': 'en' } })

  t.same(
    proxy.requests.map(
      (request) => `${request.method} ${request.path} ${request.headers['accept-language']}`,
    ),
    ['POST /v1/oauth/token zh-CN', 'POST /v1/enterprises zh-CN', 'GET /v1/disputes zh-CN', 'GET /v1/me en'],
    "a call's own headers win over the client's",
  )
  const posted = proxy.requests.find((request) => request.path === '/v1/enterprises')
  t.match(posted?.headers['idempotency-key'], /^[0-9a-f-]{36}$/, "the SDK's own key, not the client header")
  t.match(posted?.headers.authorization, /^Bearer /)
})
