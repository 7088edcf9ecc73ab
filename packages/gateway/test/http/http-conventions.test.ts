import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { Type } from 'typebox'
import { problem } from '../../src/errors.js'
import { testApp } from '../helpers/app.js'

/** A route with a strict body, standing in for any write the API publishes. */
function echoRoute(app: FastifyInstance) {
  app.post(
    '/test/echo',
    {
      schema: {
        body: Type.Object(
          { amount: Type.Integer(), note: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
      },
    },
    async (request) => ({ body: request.body, query: request.query }),
  )
  app.get('/test/crash', async () => {
    throw new Error('secret internals: connection string postgres://user:pw@db')
  })
  app.get('/test/conflict', async () => {
    throw problem(
      'invalid_transition',
      { en: 'Cannot accept a closed dispute.', zh: '已结案的纠纷不能受理。' },
      {
        extensions: { current_status: 'closed', allowed_actions: [] },
      },
    )
  })
}

t.test('a JSON body that matches the schema is accepted as sent', async (t) => {
  const { app } = await testApp(t, { routes: echoRoute })
  const res = await app.inject({ method: 'POST', url: '/test/echo?limit=5', payload: { amount: 2700 } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { body: { amount: 2700 }, query: { limit: 5 } })
})

t.test('an unknown property in a body is a 400 naming it, not silently dropped', async (t) => {
  const { app } = await testApp(t, { routes: echoRoute })
  const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { amount: 1, amont: 2 } })
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), {
    type: 'urn:hejie:problem:validation_failed',
    code: 'validation_failed',
    status: 400,
    errors: [{ path: 'body/amont', message: 'is not a known property' }],
  })
})

t.test('a number sent as a string in a body is refused rather than coerced', async (t) => {
  const { app } = await testApp(t, { routes: echoRoute })
  const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { amount: '2700' } })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'validation_failed', errors: [{ path: 'body/amount' }] })
})

t.test('a query parameter out of range is a 400', async (t) => {
  const { app } = await testApp(t, { routes: echoRoute })
  const res = await app.inject({ method: 'POST', url: '/test/echo?limit=101', payload: { amount: 1 } })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'validation_failed', errors: [{ path: 'querystring/limit' }] })
})

t.test('malformed JSON is a 400 malformed_json', async (t) => {
  const { app } = await testApp(t, { routes: echoRoute })
  const res = await app.inject({
    method: 'POST',
    url: '/test/echo',
    headers: { 'content-type': 'application/json' },
    payload: '{"amount": 1',
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'malformed_json')
})

t.test('a body that is not JSON is a 415', async (t) => {
  const { app } = await testApp(t, { routes: echoRoute })
  for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
    const res = await app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': type },
      payload: 'amount=1',
    })
    t.equal(res.statusCode, 415, type)
    t.equal(res.json().code, 'unsupported_media_type', type)
  }
})

t.test('a body over 1 MiB is a 413', async (t) => {
  const { app } = await testApp(t, { routes: echoRoute })
  const res = await app.inject({
    method: 'POST',
    url: '/test/echo',
    payload: { amount: 1, note: 'x'.repeat(1024 * 1024) },
  })
  t.equal(res.statusCode, 413)
  t.equal(res.json().code, 'payload_too_large')
})

t.test('an unknown route is a 404 problem', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject('/v1/nothing-here')
  t.equal(res.statusCode, 404)
  t.match(res.json(), { code: 'not_found', detail: 'No route GET /v1/nothing-here.' })
})

t.test('a crash is a 500 that shows no internals', async (t) => {
  const { app } = await testApp(t, { routes: echoRoute })
  const res = await app.inject('/test/crash')
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'internal_error')
  t.notMatch(res.body, /secret internals|postgres:/)
})

t.test('a problem carries its extension members', async (t) => {
  const { app } = await testApp(t, { routes: echoRoute })
  const res = await app.inject('/test/conflict')
  t.equal(res.statusCode, 409)
  t.match(res.json(), { code: 'invalid_transition', current_status: 'closed', allowed_actions: [] })
})

t.test('every response carries a request id, echoing a sane one from the caller', async (t) => {
  const { app } = await testApp(t)
  const echoed = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'crm-7f3a9' } })
  t.equal(echoed.headers['x-request-id'], 'crm-7f3a9')
  const generated = await app.inject('/healthz')
  t.match(generated.headers['x-request-id'], /^req_[0-9a-f]{32}$/)
  const hostile = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'a\u00e9 <script>' } })
  t.match(hostile.headers['x-request-id'], /^req_/, 'an unsafe id is replaced, not logged')
  const failed = await app.inject({ url: '/nope', headers: { 'x-request-id': 'crm-1' } })
  t.equal(failed.json().request_id, 'crm-1', 'problem bodies name the request')
})

t.test('routes in every part of the API validate bodies strictly, not only the top level', async (t) => {
  const { app, database } = await testApp(t)
  const { accessToken, regulatorCredentials } = await import('../helpers/identity.js')
  const token = await accessToken(app, await regulatorCredentials(database))
  const unknown = await app.inject({
    method: 'POST',
    url: '/v1/enterprises',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      name: 'x',
      uscc: '91350100M000100Y43',
      contact: { name: 'a', phone: '13800000000' },
      extra: 1,
    },
  })
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json(), { errors: [{ path: 'body/extra', message: 'is not a known property' }] })
  const coerced = await app.inject({
    method: 'POST',
    url: '/v1/clients',
    headers: { authorization: `Bearer ${token}` },
    payload: { name: 12345 },
  })
  t.equal(coerced.statusCode, 400, 'a number is not a name')
})
