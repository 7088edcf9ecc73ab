import { randomBytes } from 'node:crypto'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { freshDatabase } from '../helpers/database.js'

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
