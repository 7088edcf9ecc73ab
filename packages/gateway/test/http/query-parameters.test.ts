import t from 'tap'
import { testApp } from '../helpers/app.js'
import { accessToken, as, regulatorCredentials } from '../helpers/identity.js'

t.test('an unknown query parameter is a 400 naming it, on every kind of route', async (t) => {
  const { app, database } = await testApp(t)
  const regulator = as(app, await accessToken(app, await regulatorCredentials(database)))
  const cases: [string, string, string][] = [
    ['GET', '/v1/disputes?stauts=assigned', 'stauts'], // a list with filters of its own
    ['GET', '/v1/clients?limit=5&x=1', 'x'], // a list with paging only
    ['GET', '/v1/me?verbose=true', 'verbose'], // a read without a query
    ['POST', '/v1/enterprises/ent_01/clients?dry_run=1', 'dry_run'], // a write
    ['GET', '/v1/disputes/dsp_01?expand=timeline', 'expand'], // a read by id
    ['GET', '/healthz?probe=1', 'probe'], // an operations route
  ]
  for (const [method, url, name] of cases) {
    const res = await regulator({
      method: method as 'GET',
      url,
      ...(method === 'POST' ? { payload: { name: 'CRM' } } : {}),
    })
    t.equal(res.statusCode, 400, url)
    t.match(res.json(), {
      code: 'validation_failed',
      errors: [{ path: `querystring/${name}`, message: 'is not a known property' }],
    })
  }
})

t.test('known query parameters are still accepted', async (t) => {
  const { app, database } = await testApp(t)
  const regulator = as(app, await accessToken(app, await regulatorCredentials(database)))
  t.equal((await regulator({ method: 'GET', url: '/v1/disputes?limit=5&status=assigned' })).statusCode, 200)
  t.equal((await regulator({ method: 'GET', url: '/v1/me' })).statusCode, 200)
})

t.test('the token endpoint refuses an unknown query parameter in its own error shape', async (t) => {
  const { app, database } = await testApp(t)
  const credentials = await regulatorCredentials(database)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/oauth/token?client_id=x',
    payload: {
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    },
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'invalid_request')
})
