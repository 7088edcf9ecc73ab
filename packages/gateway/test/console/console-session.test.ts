import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const backend = process.env.HEJIE_TEST_DB ?? 'sqlite'

interface SignedIn {
  cookie: string
  csrf: string
  body: Record<string, unknown>
  setCookie: string
}

async function signIn(app: FastifyInstance, clientId: string, clientSecret: string): Promise<SignedIn> {
  const res = await app.inject({
    method: 'POST',
    url: '/console/session',
    payload: { client_id: clientId, client_secret: clientSecret },
  })
  if (res.statusCode !== 201) throw new Error(`sign-in: ${res.statusCode} ${res.body}`)
  const setCookie = String(res.headers['set-cookie'])
  const cookie = setCookie.split(';')[0] ?? ''
  return { cookie, csrf: res.json().csrf_token, body: res.json(), setCookie }
}

function fetchToken(app: FastifyInstance, session: { cookie?: string; csrf?: string }) {
  return app.inject({
    method: 'POST',
    url: '/console/session/token',
    headers: {
      ...(session.cookie ? { cookie: session.cookie } : {}),
      ...(session.csrf ? { 'x-csrf-token': session.csrf } : {}),
    },
  })
}

t.test(
  `signing in sets an HttpOnly, SameSite=Strict cookie scoped to the console and answers who is signed in (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const credentials = await regulatorCredentials(database)
    const session = await signIn(app, credentials.clientId, credentials.clientSecret)
    t.match(
      session.setCookie,
      /^hejie_console=[\w-]{43}; Path=\/console; Max-Age=28800; HttpOnly; SameSite=Strict$/,
    )
    t.notMatch(session.setCookie, /Secure/, 'no Secure flag over plain HTTP on the machine itself')
    t.match(session.body, {
      object: 'console_session',
      idle_timeout_seconds: 1800,
      principal: { role: 'regulator', client_id: credentials.clientId, enterprise_id: null },
    })
    const expiresIn = Date.parse(String(session.body.expires_at)) - Date.now()
    t.ok(expiresIn > 7.9 * 3_600_000 && expiresIn <= 8 * 3_600_000, 'the session lasts 8 hours at most')
    const rows = await database.db.selectFrom('console_sessions').selectAll().execute()
    t.equal(rows.length, 1)
    t.not(rows[0]?.secret_hash, session.cookie.split('=')[1], 'only a hash of the cookie is stored')
  },
)

t.test(`wrong credentials are refused with invalid_client and no cookie (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const credentials = await regulatorCredentials(database)
  for (const payload of [
    { client_id: credentials.clientId, client_secret: 'hjs_wrong' },
    { client_id: 'cli_nobody', client_secret: credentials.clientSecret },
  ]) {
    const res = await app.inject({ method: 'POST', url: '/console/session', payload })
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'invalid_client')
    t.equal(res.headers['set-cookie'], undefined)
  }
  const unknownField = await app.inject({
    method: 'POST',
    url: '/console/session',
    payload: { client_id: credentials.clientId, client_secret: credentials.clientSecret, remember: true },
  })
  t.equal(unknownField.statusCode, 400)
  t.equal(unknownField.json().code, 'validation_failed')
  t.equal((await database.db.selectFrom('console_sessions').selectAll().execute()).length, 0)
})

t.test(
  `the cookie and the CSRF header fetch an access token that works on /v1 as Bearer (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const credentials = await regulatorCredentials(database)
    const session = await signIn(app, credentials.clientId, credentials.clientSecret)
    const res = await fetchToken(app, session)
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    t.match(res.json(), { token_type: 'Bearer', expires_in: 900, scope: /disputes:read/ })
    const me = await as(app, res.json().access_token)({ url: '/v1/me' })
    t.match(me.json(), { role: 'regulator', client_id: credentials.clientId })
  },
)

t.test(
  `the token endpoint refuses a request without the CSRF header, or with another session's (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const credentials = await regulatorCredentials(database)
    const first = await signIn(app, credentials.clientId, credentials.clientSecret)
    const second = await signIn(app, credentials.clientId, credentials.clientSecret)
    for (const csrf of [undefined, second.csrf, `${first.csrf}x`]) {
      const res = await fetchToken(app, { cookie: first.cookie, ...(csrf ? { csrf } : {}) })
      t.equal(res.statusCode, 403)
      t.equal(res.json().code, 'csrf_failed')
    }
    const noCookie = await fetchToken(app, { csrf: first.csrf })
    t.equal(noCookie.statusCode, 401)
    t.equal(noCookie.json().code, 'console_session_required')
  },
)

t.test(`/v1 never accepts the console cookie (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const credentials = await regulatorCredentials(database)
  const session = await signIn(app, credentials.clientId, credentials.clientSecret)
  const res = await app.inject({
    url: '/v1/me',
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
  })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'unauthenticated')
})

t.test(
  `a reloaded page recovers its CSRF token and principal from GET /console/session (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const regulator = await accessToken(app, await regulatorCredentials(database))
    const enterprise = await enrolEnterprise(app, regulator, '某视频会员服务有限公司')
    const session = await signIn(app, enterprise.credentials.clientId, enterprise.credentials.clientSecret)
    const res = await app.inject({ url: '/console/session', headers: { cookie: session.cookie } })
    t.equal(res.statusCode, 200)
    t.equal(res.json().csrf_token, session.csrf)
    t.match(res.json().principal, { role: 'enterprise', enterprise_id: enterprise.id })
  },
)

t.test(`signing out ends the session and clears the cookie (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const credentials = await regulatorCredentials(database)
  const session = await signIn(app, credentials.clientId, credentials.clientSecret)
  const withoutCsrf = await app.inject({
    method: 'DELETE',
    url: '/console/session',
    headers: { cookie: session.cookie },
  })
  t.equal(withoutCsrf.statusCode, 403, 'a page of another site cannot sign the user out')
  const out = await app.inject({
    method: 'DELETE',
    url: '/console/session',
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
  })
  t.equal(out.statusCode, 204)
  t.match(
    String(out.headers['set-cookie']),
    /^hejie_console=; Path=\/console; Max-Age=0; HttpOnly; SameSite=Strict/,
  )
  const after = await fetchToken(app, session)
  t.equal(after.statusCode, 401)
  t.equal(after.json().code, 'console_session_required')
})

t.test(
  `each token fetched moves the idle expiry forward, never past the absolute end (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const credentials = await regulatorCredentials(database)
    const session = await signIn(app, credentials.clientId, credentials.clientSecret)
    const soon = new Date(Date.now() + 5_000).toISOString()
    await database.db.updateTable('console_sessions').set({ idle_expires_at: soon }).execute()
    t.equal((await fetchToken(app, session)).statusCode, 200)
    const moved = await database.db.selectFrom('console_sessions').selectAll().executeTakeFirstOrThrow()
    const idleLeft = Date.parse(moved.idle_expires_at) - Date.now()
    t.ok(idleLeft > 29 * 60_000 && idleLeft <= 30 * 60_000, 'thirty minutes from the use')

    const end = new Date(Date.now() + 10 * 60_000).toISOString()
    await database.db.updateTable('console_sessions').set({ expires_at: end }).execute()
    t.equal((await fetchToken(app, session)).statusCode, 200)
    const capped = await database.db.selectFrom('console_sessions').selectAll().executeTakeFirstOrThrow()
    t.equal(capped.idle_expires_at, end, 'capped at the absolute end')
  },
)

t.test(
  `a session unused for its idle time is expired, and so is one past its absolute end (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const credentials = await regulatorCredentials(database)
    const past = new Date(Date.now() - 1000).toISOString()
    const later = new Date(Date.now() + 60_000).toISOString()

    const idle = await signIn(app, credentials.clientId, credentials.clientSecret)
    await database.db.updateTable('console_sessions').set({ idle_expires_at: past }).execute()
    const unused = await fetchToken(app, idle)
    t.equal(unused.statusCode, 401)
    t.equal(unused.json().code, 'console_session_expired')
    t.match(unused.json().detail, /unused/)

    const ended = await signIn(app, credentials.clientId, credentials.clientSecret)
    await database.db
      .updateTable('console_sessions')
      .set({ expires_at: past, idle_expires_at: later })
      .execute()
    const overLimit = await fetchToken(app, ended)
    t.equal(overLimit.statusCode, 401)
    t.equal(overLimit.json().code, 'console_session_expired')
    t.match(overLimit.json().detail, /time limit/)
    const reload = await app.inject({ url: '/console/session', headers: { cookie: ended.cookie } })
    t.equal(reload.json().code, 'console_session_expired', 'a reload is refused too')
  },
)

t.test(
  `revoking the client ends its console session at once, and the token it fetched (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const regulator = await accessToken(app, await regulatorCredentials(database))
    const enterprise = await enrolEnterprise(app, regulator, '某在线教育科技有限公司')
    const session = await signIn(app, enterprise.credentials.clientId, enterprise.credentials.clientSecret)
    const token = (await fetchToken(app, session)).json().access_token
    t.equal((await as(app, token)({ url: '/v1/me' })).statusCode, 200)

    const revoked = await as(
      app,
      regulator,
    )({ method: 'DELETE', url: `/v1/clients/${enterprise.credentials.clientId}` })
    t.equal(revoked.statusCode, 200)

    const res = await fetchToken(app, session)
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'console_session_expired')
    t.match(res.json().detail, /revoked/)
    t.equal((await as(app, token)({ url: '/v1/me' })).statusCode, 401, 'the token in the page stops working')
    t.equal((await database.db.selectFrom('console_sessions').selectAll().execute()).length, 0)
    const again = await app.inject({
      method: 'POST',
      url: '/console/session',
      payload: {
        client_id: enterprise.credentials.clientId,
        client_secret: enterprise.credentials.clientSecret,
      },
    })
    t.equal(again.json().code, 'invalid_client', 'and it cannot sign in again')
  },
)

t.test(
  `over plain HTTP at an address other than the machine itself, sign-in is refused; behind a trusted HTTPS proxy the cookie is Secure (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t, { config: { trustProxy: true } })
    const credentials = await regulatorCredentials(database)
    const payload = { client_id: credentials.clientId, client_secret: credentials.clientSecret }
    const plain = await app.inject({
      method: 'POST',
      url: '/console/session',
      headers: { host: 'odr.example.gov.cn' },
      payload,
    })
    t.equal(plain.statusCode, 403)
    t.equal(plain.json().code, 'https_required')
    const proxied = await app.inject({
      method: 'POST',
      url: '/console/session',
      headers: { host: 'odr.example.gov.cn', 'x-forwarded-proto': 'https' },
      payload,
    })
    t.equal(proxied.statusCode, 201)
    t.match(String(proxied.headers['set-cookie']), /; HttpOnly; SameSite=Strict; Secure$/)
  },
)
