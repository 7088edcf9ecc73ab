import t from 'tap'
import { testApp } from '../helpers/app.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

t.test('client credentials in a form-encoded body get a bearer token', async (t) => {
  const { app, database } = await testApp(t)
  const credentials = await regulatorCredentials(database)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }).toString(),
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.json(), { token_type: 'Bearer', expires_in: 900, scope: /disputes:read/ })
  t.match(res.json().access_token, /^ey[\w-]+\.[\w-]+\.[\w-]+$/)
})

t.test('HTTP Basic credentials and a JSON body work too', async (t) => {
  const { app, database } = await testApp(t)
  const { clientId, clientSecret } = await regulatorCredentials(database)
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
    'base64',
  )
  const res = await app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    headers: { authorization: `Basic ${basic}` },
    payload: { grant_type: 'client_credentials' },
  })
  t.equal(res.statusCode, 200)
  const me = await as(app, res.json().access_token)({ url: '/v1/me' })
  t.match(me.json(), { object: 'me', role: 'regulator', client_id: clientId, enterprise: null })
})

t.test('token errors follow RFC 6749 §5.2', async (t) => {
  const { app, database } = await testApp(t)
  const { clientId, clientSecret } = await regulatorCredentials(database)
  const cases = [
    {
      given: { grant_type: 'client_credentials', client_id: clientId, client_secret: 'hjs_wrong' },
      status: 401,
      error: 'invalid_client',
    },
    {
      given: { grant_type: 'client_credentials', client_id: 'cli_nobody', client_secret: clientSecret },
      status: 401,
      error: 'invalid_client',
    },
    { given: { grant_type: 'client_credentials' }, status: 401, error: 'invalid_client' },
    {
      given: { grant_type: 'password', client_id: clientId, client_secret: clientSecret },
      status: 400,
      error: 'unsupported_grant_type',
    },
    { given: { client_id: clientId, client_secret: clientSecret }, status: 400, error: 'invalid_request' },
    {
      given: {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: 'root',
      },
      status: 400,
      error: 'invalid_scope',
    },
  ]
  for (const { given, status, error } of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/oauth/token', payload: given })
    t.equal(res.statusCode, status, error)
    t.equal(res.json().error, error, JSON.stringify(given))
    t.type(res.json().error_description, 'string')
    if (status === 401) t.equal(res.headers['www-authenticate'], 'Basic realm="hejie"')
  }
})

t.test(
  'a token request whose body cannot be read answers in the RFC 6749 shape, not as a problem',
  async (t) => {
    const { app } = await testApp(t)
    const cases = [
      {
        type: 'application/json',
        payload: '{"grant_type": "client_credentials"',
        status: 400,
        why: 'malformed JSON',
      },
      { type: 'application/json', payload: '', status: 400, why: 'an empty JSON body' },
      {
        type: 'text/plain',
        payload: 'grant_type=client_credentials',
        status: 415,
        why: 'another media type',
      },
    ]
    for (const { type, payload, status, why } of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/oauth/token',
        headers: { 'content-type': type },
        payload,
      })
      t.equal(res.statusCode, status, why)
      t.match(res.headers['content-type'], /^application\/json/, why)
      t.equal(res.json().error, 'invalid_request', why)
      t.type(res.json().error_description, 'string')
      t.equal(res.headers['cache-control'], 'no-store')
    }
  },
)

t.test('a requested scope narrows the token, and the narrowed token is refused elsewhere', async (t) => {
  const { app, database } = await testApp(t)
  const credentials = await regulatorCredentials(database)
  const token = await accessToken(app, credentials, 'disputes:read')
  const enterprises = await as(app, token)({ url: '/v1/enterprises' })
  t.equal(enterprises.statusCode, 403)
  t.equal(enterprises.json().code, 'forbidden')
  t.match(enterprises.headers['www-authenticate'], /insufficient_scope/)
  const me = await as(app, token)({ url: '/v1/me' })
  t.equal(me.statusCode, 200, 'any valid token may still ask who it is')
  t.same(me.json().scopes, ['disputes:read'])
})

t.test('a client created with scopes gets only those', async (t) => {
  const { app, database } = await testApp(t)
  const regulator = await accessToken(app, await regulatorCredentials(database))
  const enterprise = await enrolEnterprise(app, regulator, '爱奇影视')
  const narrow = await as(
    app,
    regulator,
  )({
    method: 'POST',
    url: `/v1/enterprises/${enterprise.id}/clients`,
    payload: { name: 'read-only dashboard', scopes: ['disputes:read', 'enterprises:read'] },
  })
  t.equal(narrow.statusCode, 201)
  t.same(narrow.json().scopes, ['disputes:read', 'enterprises:read'])
  const token = await accessToken(app, {
    clientId: narrow.json().client_id,
    clientSecret: narrow.json().client_secret,
  })
  const me = await as(app, token)({ url: '/v1/me' })
  t.same(me.json().scopes, ['disputes:read', 'enterprises:read'])
  const broad = await as(
    app,
    regulator,
  )({
    method: 'POST',
    url: `/v1/enterprises/${enterprise.id}/clients`,
    payload: { name: 'too much', scopes: ['clients:write'] },
  })
  t.equal(broad.statusCode, 400, 'an enterprise client cannot hold a regulator scope')
})

t.test('repeated bad secrets on the token endpoint are throttled', async (t) => {
  const { app, database } = await testApp(t, { config: { tokenRateLimit: 5 } })
  const { clientId } = await regulatorCredentials(database)
  const statuses: number[] = []
  for (let i = 0; i < 7; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: `hjs_guess_${i}` },
    })
    statuses.push(res.statusCode)
  }
  t.same(statuses, [401, 401, 401, 401, 401, 429, 429], 'per client id')

  const spread: number[] = []
  for (let i = 0; i < 27; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      payload: { grant_type: 'client_credentials', client_id: `cli_guess_${i}`, client_secret: 'hjs_guess' },
    })
    spread.push(res.statusCode)
  }
  t.ok(spread.includes(429), 'guessing across many client ids from one address is throttled too')
})

t.test('a malformed Basic header is invalid_client, and scheme names are case-insensitive', async (t) => {
  const { app, database } = await testApp(t)
  const credentials = await regulatorCredentials(database)
  const malformed = await app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    headers: { authorization: `Basic ${Buffer.from('cli_x:%zz').toString('base64')}` },
    payload: { grant_type: 'client_credentials' },
  })
  t.equal(malformed.statusCode, 401)
  t.equal(malformed.json().error, 'invalid_client')
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')
  const lower = await app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    headers: { authorization: `basic ${basic}` },
    payload: { grant_type: 'client_credentials' },
  })
  t.equal(lower.statusCode, 200)
  const me = await app.inject({
    url: '/v1/me',
    headers: { authorization: `bearer ${lower.json().access_token}` },
  })
  t.equal(me.statusCode, 200)
})

t.test('an idempotent replay of a client creation does not show, or keep, the secret', async (t) => {
  const { app, database } = await testApp(t)
  const regulator = as(app, await accessToken(app, await regulatorCredentials(database)))
  const request = {
    method: 'POST' as const,
    url: '/v1/clients',
    headers: { 'idempotency-key': 'new-regulator-client' },
    payload: { name: 'second desk' },
  }
  const first = await regulator(request)
  t.match(first.json().client_secret, /^hjs_/)
  const replay = await regulator(request)
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(replay.json().client_id, first.json().client_id)
  t.equal(replay.json().client_secret, null)
  const stored = await database.db.selectFrom('idempotency_keys').select('response_body').execute()
  t.notOk(
    stored.some((row) => row.response_body?.includes(first.json().client_secret)),
    'the idempotency record holds no secret',
  )
})
