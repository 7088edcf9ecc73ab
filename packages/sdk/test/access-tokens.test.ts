import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { AuthenticationError } from '../src/index.js'
import { AccessTokens } from '../src/internal/tokens.js'
import {
  enrolEnterprise,
  gatewayWithRegulator,
  liveGateway,
  recordingAgent,
  sdkClient,
} from './helpers/gateway.js'
import { loopbackProxy } from './helpers/loopback-proxy.js'

const tokenRequest = 'POST /v1/oauth/token'

t.test(`ten concurrent calls on a fresh client make one token request (${backend})`, async (t) => {
  const { baseUrl, regulatorCredentials } = await gatewayWithRegulator(t)
  const { dispatcher, sent } = recordingAgent()
  const hejie = sdkClient(t, baseUrl, regulatorCredentials, { dispatcher })

  const answers = await Promise.all(Array.from({ length: 10 }, () => hejie.me()))

  t.ok(answers.every((me) => me.role === 'regulator'))
  t.equal(sent.filter((line) => line === tokenRequest).length, 1, 'one token request')
  t.equal(sent.filter((line) => line === 'GET /v1/me').length, 10)
  await hejie.me()
  t.equal(sent.filter((line) => line === tokenRequest).length, 1, 'the token is reused afterwards')
})

t.test(`a token the gateway refuses is replaced once, and the call succeeds (${backend})`, async (t) => {
  const first = await gatewayWithRegulator(t)
  // Another gateway on the same data that issues and accepts tokens for another audience:
  // the first gateway's tokens are invalid_token there, as after a change of signing setup.
  const second = await liveGateway(t, { database: first.database, config: { tokenAudience: 'hejie-api-2' } })
  const proxy = await loopbackProxy(t, first.baseUrl)
  const hejie = sdkClient(t, proxy.baseUrl, first.regulatorCredentials)
  await hejie.me()

  proxy.forwardTo(second.baseUrl)
  const me = await hejie.me()

  t.equal(me.role, 'regulator')
  t.same(
    proxy.requests.map(({ method, path }) => `${method} ${path}`),
    [tokenRequest, 'GET /v1/me', 'GET /v1/me', tokenRequest, 'GET /v1/me'],
    'refused once, then a new token and the same call again',
  )
})

t.test(
  `a revoked client gets AuthenticationError invalid_client after one new token request (${backend})`,
  async (t) => {
    const { baseUrl, regulator } = await gatewayWithRegulator(t)
    const company = await enrolEnterprise(regulator, '上海优选商贸有限公司')
    const { dispatcher, sent } = recordingAgent()
    const enterprise = sdkClient(t, baseUrl, company.credentials, { dispatcher })
    await enterprise.me()
    await regulator.clients.revoke(company.credentials.clientId)

    const error = await enterprise.me().then(
      () => undefined,
      (error: unknown) => error,
    )

    t.type(error, AuthenticationError)
    t.match(error, { status: 401, code: 'invalid_client' })
    t.same(sent, [tokenRequest, 'GET /v1/me', 'GET /v1/me', tokenRequest], 'no retries after the refusal')
  },
)

t.test(`a wrong client secret fails at once with AuthenticationError (${backend})`, async (t) => {
  const { baseUrl, regulatorCredentials } = await gatewayWithRegulator(t)
  const { dispatcher, sent } = recordingAgent()
  const hejie = sdkClient(
    t,
    baseUrl,
    { ...regulatorCredentials, clientSecret: 'not-the-secret' },
    { dispatcher },
  )

  await t.rejects(hejie.me(), { name: 'AuthenticationError', status: 401, code: 'invalid_client' })
  t.same(sent, [tokenRequest])
})

t.test('a token is renewed a minute before it expires, not at every call', async (t) => {
  let now = 0
  let issued = 0
  const tokens = new AccessTokens(
    async () => ({ access_token: `token-${++issued}`, token_type: 'Bearer', expires_in: 900, scope: '' }),
    () => now,
  )
  t.equal(await tokens.get(), 'token-1')
  now = 839_000
  t.equal(await tokens.get(), 'token-1', 'still well within its lifetime')
  now = 840_000
  t.equal(await tokens.get(), 'token-2', 'renewed 60 s before its 900 s are up')
})

t.test('forgetting a token that was already replaced keeps the new one', async (t) => {
  let issued = 0
  const tokens = new AccessTokens(async () => ({
    access_token: `token-${++issued}`,
    token_type: 'Bearer',
    expires_in: 900,
    scope: '',
  }))
  const refused = await tokens.get()
  tokens.invalidate(refused)
  const replacement = await tokens.get()
  tokens.invalidate(refused)
  t.equal(await tokens.get(), replacement, 'a second refusal of the old token does not discard the new one')
  t.equal(issued, 2)
})
