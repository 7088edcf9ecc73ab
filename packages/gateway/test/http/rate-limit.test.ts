import { randomBytes } from 'node:crypto'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend, freshDatabase } from '../helpers/database.js'
import { accessToken, regulatorCredentials } from '../helpers/identity.js'

const redisUrl = process.env.HEJIE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

t.test('a client over its budget gets 429 with retry-after and the ratelimit headers', async (t) => {
  const { app } = await testApp(t, { config: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } })
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) statuses.push((await app.inject('/v1/anything')).statusCode)
  t.same(statuses, [404, 404, 404], 'within budget, requests are served')
  const limited = await app.inject('/v1/anything')
  t.equal(limited.statusCode, 429)
  t.match(limited.headers['content-type'], /^application\/problem\+json/)
  t.equal(limited.json().code, 'rate_limited')
  t.equal(limited.headers['ratelimit-limit'], '3')
  t.equal(limited.headers['ratelimit-remaining'], '0')
  t.ok(Number(limited.headers['retry-after']) > 0, 'retry-after is set')
})

t.test(
  `requests without a token, or with a bad one, count against their address and get 429 (${backend})`,
  async (t) => {
    const { app } = await testApp(t, { config: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } })
    const requests = [
      { url: '/v1/me' },
      { url: '/v1/me', headers: { authorization: 'Bearer a.b.c' } },
      { url: '/v1/disputes', headers: { authorization: 'Basic Zm9vOmJhcg==' } },
    ]
    const statuses: number[] = []
    for (const request of requests)
      statuses.push((await app.inject({ ...request, remoteAddress: '203.0.113.7' })).statusCode)
    t.same(statuses, [401, 401, 401], 'within the budget, each is refused for its token')
    const limited = await app.inject({
      url: '/v1/me',
      headers: { authorization: 'Bearer x.y.z' },
      remoteAddress: '203.0.113.7',
    })
    t.equal(limited.statusCode, 429, 'past the budget, the token is not even looked at')
    t.match(limited.headers['content-type'], /^application\/problem\+json/)
    t.equal(limited.json().code, 'rate_limited')
    t.equal(limited.headers['ratelimit-limit'], '3')
    t.equal(limited.headers['ratelimit-remaining'], '0')
    t.ok(Number(limited.headers['ratelimit-reset']) > 0, 'ratelimit-reset is set')
    t.ok(Number(limited.headers['retry-after']) > 0, 'retry-after is set')
    const elsewhere = await app.inject({ url: '/v1/me', remoteAddress: '198.51.100.9' })
    t.equal(elsewhere.statusCode, 401, 'another address has its own budget')
    t.equal(elsewhere.headers['ratelimit-remaining'], '2', 'and the refused request counted against it')
  },
)

t.test(
  `a verified client keeps its own budget when its address has used up the address budget (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t, { config: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } })
    const token = await accessToken(app, await regulatorCredentials(database))
    const remoteAddress = '203.0.113.8'
    const withToken = () =>
      app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` }, remoteAddress })
    t.equal((await withToken()).statusCode, 200, 'its first request counts against the address')
    const bad: number[] = []
    for (let i = 0; i < 3; i++) {
      bad.push(
        (await app.inject({ url: '/v1/me', headers: { authorization: 'Bearer a.b.c' }, remoteAddress }))
          .statusCode,
      )
    }
    t.same(bad, [401, 401, 429], 'bad tokens from the same address use up its budget')
    const afterwards: number[] = []
    for (let i = 0; i < 4; i++) afterwards.push((await withToken()).statusCode)
    t.same(afterwards, [200, 200, 200, 429], 'the client, once verified, counts against its own budget')
  },
)

t.test('health checks are never rate limited', async (t) => {
  const { app } = await testApp(t, { config: { rateLimitMax: 1 } })
  for (let i = 0; i < 5; i++) t.equal((await app.inject('/healthz')).statusCode, 200)
})

t.test('with Redis, two gateway instances share one budget', async (t) => {
  // A fresh address per run keeps counters of earlier runs out of the way.
  const remoteAddress = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`
  const database = await freshDatabase(t)
  const config = { rateLimitMax: 4, rateLimitWindowMs: 60_000, redisUrl }
  const first = await testApp(t, { config, database })
  const second = await testApp(t, { config, database })
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) {
    statuses.push((await first.app.inject({ url: '/v1/x', remoteAddress })).statusCode)
    statuses.push((await second.app.inject({ url: '/v1/x', remoteAddress })).statusCode)
  }
  t.same(statuses, [404, 404, 404, 404, 429, 429], 'the fifth request across both instances is limited')
})
