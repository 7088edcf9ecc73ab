import { createHmac, generateKeyPairSync } from 'node:crypto'
import { createRemoteJWKSet, jwtVerify, SignJWT } from 'jose'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { KeyRing } from '../../src/services/identity/key-ring.js'
import { MasterKey } from '../../src/services/identity/master-key.js'
import { memoryLogger, testApp, testConfig } from '../helpers/app.js'
import { backend, freshDatabase } from '../helpers/database.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

async function twoEnterprises(t: { teardown(fn: () => unknown): void }) {
  const context = await testApp(t)
  const regulatorCreds = await regulatorCredentials(context.database)
  const regulator = await accessToken(context.app, regulatorCreds)
  const a = await enrolEnterprise(context.app, regulator, '甲视频会员有限公司')
  const b = await enrolEnterprise(context.app, regulator, '乙电商平台有限公司')
  return { ...context, regulator, regulatorCreds, a, b }
}

t.test(`API1 broken object level authorization (${backend})`, async (t) => {
  const { app, a, b } = await twoEnterprises(t)
  const asA = as(app, a.token)

  t.test("enterprise A reading enterprise B's objects gets 404, never 403", async (t) => {
    const routes = [{ method: 'GET' as const, url: `/v1/enterprises/${b.id}` }]
    for (const route of routes) {
      const res = await asA(route)
      t.equal(res.statusCode, 404, `${route.method} ${route.url}`)
      t.equal(res.json().code, 'not_found')
    }
  })

  t.test('an enterprise lists only itself', async (t) => {
    const res = await asA({ url: '/v1/enterprises' })
    t.same(
      res.json().data.map((e: { id: string }) => e.id),
      [a.id],
    )
  })

  t.test('an enterprise reads itself', async (t) => {
    const res = await asA({ url: `/v1/enterprises/${a.id}` })
    t.equal(res.statusCode, 200)
    t.equal(res.json().id, a.id)
    const me = await asA({ url: '/v1/me' })
    t.match(me.json(), { role: 'enterprise', enterprise: { id: a.id } })
  })
})

t.test(`API5 broken function level authorization (${backend})`, async (t) => {
  const { app, a } = await twoEnterprises(t)
  const regulatorOnly = [
    { method: 'POST' as const, url: '/v1/enterprises', payload: {} },
    { method: 'PATCH' as const, url: `/v1/enterprises/${a.id}`, payload: { odr_status: 'active' } },
    { method: 'POST' as const, url: `/v1/enterprises/${a.id}/clients`, payload: { name: 'self-made' } },
    { method: 'GET' as const, url: `/v1/enterprises/${a.id}/clients` },
    { method: 'POST' as const, url: '/v1/clients', payload: { name: 'self-made' } },
    { method: 'GET' as const, url: '/v1/clients' },
    { method: 'DELETE' as const, url: `/v1/clients/${a.credentials.clientId}` },
  ]
  for (const route of regulatorOnly) {
    const res = await as(app, a.token)(route)
    t.equal(res.statusCode, 403, `${route.method} ${route.url}`)
    t.equal(res.json().code, 'forbidden')
  }
})

t.test(`API2 broken authentication (${backend})`, async (t) => {
  const context = await twoEnterprises(t)
  const { app, database, config, a } = context
  const keys = new KeyRing(database, MasterKey.fromBase64(config.masterKey ?? ''))
  await keys.load()
  const { kid, privateKey } = keys.signingKey()
  const claims = {
    role: 'enterprise',
    ent: a.id,
    scope: 'enterprises:read',
    client_id: a.credentials.clientId,
  }
  const signed = (overrides: { aud?: string; exp?: number; key?: typeof privateKey } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
      .setIssuer(config.tokenIssuer)
      .setAudience(overrides.aud ?? config.tokenAudience)
      .setSubject(a.credentials.clientId)
      .setJti('test')
      .setIssuedAt()
      .setExpirationTime(overrides.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(overrides.key ?? privateKey)
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const payload = b64({
    ...claims,
    iss: config.tokenIssuer,
    aud: config.tokenAudience,
    sub: a.credentials.clientId,
    jti: 'x',
    exp: Math.floor(Date.now() / 1000) + 600,
  })
  const publicJwk = keys.jwks().keys[0]
  const hmacHeader = b64({ alg: 'HS256', kid, typ: 'at+jwt' })
  const hmacWithPublicKey = createHmac('sha256', JSON.stringify(publicJwk))
    .update(`${hmacHeader}.${payload}`)
    .digest('base64url')

  t.equal(
    (await as(app, await signed())({ url: '/v1/me' })).statusCode,
    200,
    'a well-formed forged-free token works',
  )

  const cases = {
    'an expired token': await signed({ exp: Math.floor(Date.now() / 1000) - 60 }),
    'a token signed by another key': await signed({ key: generateKeyPairSync('ed25519').privateKey }),
    'a token with alg none': `${b64({ alg: 'none', kid, typ: 'at+jwt' })}.${payload}.`,
    'an HS256 token keyed with the public key': `${hmacHeader}.${payload}.${hmacWithPublicKey}`,
    'a token for another audience': await signed({ aud: 'someone-else' }),
    'a malformed token': 'not-a-jwt',
  }
  for (const [name, token] of Object.entries(cases)) {
    const res = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 401, name)
    t.match(res.headers['content-type'], /^application\/problem\+json/, name)
    t.equal(res.json().code, 'invalid_token', name)
    t.match(res.headers['www-authenticate'], /^Bearer /, name)
  }

  const missing = await app.inject({ url: '/v1/me' })
  t.equal(missing.statusCode, 401, 'no token')
  t.equal(missing.json().code, 'unauthenticated')

  const revoke = await as(
    app,
    context.regulator,
  )({ method: 'DELETE', url: `/v1/clients/${a.credentials.clientId}` })
  t.equal(revoke.statusCode, 200)
  t.type(revoke.json().revoked_at, 'string')
  const revoked = await as(app, a.token)({ url: '/v1/me' })
  t.equal(revoked.statusCode, 401, 'a revoked client')
  t.equal(revoked.json().code, 'invalid_token')
  const again = await app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    payload: {
      grant_type: 'client_credentials',
      client_id: a.credentials.clientId,
      client_secret: a.credentials.clientSecret,
    },
  })
  t.equal(again.statusCode, 401, 'a revoked client gets no new token')
})

t.test('a revocation takes effect within 5 s on every gateway instance', async (t) => {
  const database = await freshDatabase(t)
  const first = await testApp(t, { database })
  const second = await testApp(t, { database })
  const regulator = await accessToken(first.app, await regulatorCredentials(database))
  const enterprise = await enrolEnterprise(first.app, regulator, '丙旅行社')
  t.equal(
    (await as(second.app, enterprise.token)({ url: '/v1/me' })).statusCode,
    200,
    'the other instance accepts it first',
  )

  const revokedAt = Date.now()
  await as(first.app, regulator)({ method: 'DELETE', url: `/v1/clients/${enterprise.credentials.clientId}` })
  let status = 200
  while (status === 200 && Date.now() - revokedAt < 6000) {
    status = (await as(second.app, enterprise.token)({ url: '/v1/me' })).statusCode
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(status, 401)
  t.ok(Date.now() - revokedAt < 5000, `refused after ${Date.now() - revokedAt} ms`)
})

t.test('an independent client verifies an access token with jose against the JWKS alone', async (t) => {
  const { app, database, config } = await testApp(t)
  const credentials = await regulatorCredentials(database)
  const token = await accessToken(app, credentials)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', address))
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    algorithms: ['EdDSA'],
    issuer: config.tokenIssuer,
    audience: config.tokenAudience,
  })
  t.equal(protectedHeader.typ, 'at+jwt')
  t.match(payload, { sub: credentials.clientId, role: 'regulator', client_id: credentials.clientId })
  t.ok((payload.exp ?? 0) - (payload.iat ?? 0) <= 900, 'lives at most 15 minutes')
  t.type(payload.jti, 'string')
})

t.test('a rotated key is published on every instance before it signs; old tokens keep working', async (t) => {
  const database = await freshDatabase(t)
  const config = { keyActivationDelayMs: 1000 }
  const first = await testApp(t, { database, config })
  const second = await testApp(t, { database, config })
  const credentials = await regulatorCredentials(database)
  const before = await accessToken(first.app, credentials)
  const ring = new KeyRing(database, MasterKey.fromBase64(first.config.masterKey ?? ''), 1000)
  await ring.load()
  const rotated = await ring.rotate()
  const kidOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid

  t.not(kidOf(await accessToken(first.app, credentials)), rotated, 'the new key does not sign yet')
  await new Promise((resolve) => setTimeout(resolve, 1100))

  for (const instance of [first, second]) {
    const jwks = (await instance.app.inject('/.well-known/jwks.json')).json()
    t.same(
      jwks.keys.map((key: { kid: string }) => key.kid).includes(rotated),
      true,
      'the new key is published',
    )
    t.equal(jwks.keys.length, 2, 'the old key stays published')
    t.ok(
      jwks.keys.every((key: Record<string, unknown>) => !('d' in key)),
      'no private parts',
    )
  }
  t.equal((await as(second.app, before)({ url: '/v1/me' })).statusCode, 200, 'an old token still works')
  const minted = await accessToken(second.app, credentials)
  t.equal(kidOf(minted), rotated, 'new tokens are signed with the new key')
  t.equal((await as(first.app, minted)({ url: '/v1/me' })).statusCode, 200, 'another instance verifies it')
})

t.test('secrets and tokens never appear in logs', async (t) => {
  const { logger, lines } = memoryLogger('trace')
  const database = await freshDatabase(t)
  const { app } = await testApp(t, { database, logger })
  const credentials = await regulatorCredentials(database)
  const token = await accessToken(app, credentials)
  const enterprise = await enrolEnterprise(app, token, '丁家电维修')
  await app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    payload: {
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: 'hjs_wrong-guess',
    },
  })
  const log = lines.join('')
  t.ok(log.includes('request completed'), 'requests were logged')
  for (const secret of [
    credentials.clientSecret,
    token,
    enterprise.token,
    enterprise.credentials.clientSecret,
    'hjs_wrong-guess',
  ]) {
    t.notOk(log.includes(secret), `${secret.slice(0, 8)}… is not in the log`)
  }
})

t.test('client secrets are stored only as salted scrypt hashes', async (t) => {
  const { database } = await testApp(t)
  const first = await regulatorCredentials(database)
  const second = await regulatorCredentials(database)
  const rows = await database.db.selectFrom('api_clients').select(['id', 'secret_hash']).execute()
  for (const row of rows) {
    t.match(row.secret_hash, /^scrypt\$32768\$8\$1\$/)
    t.notOk(row.secret_hash.includes(first.clientSecret) || row.secret_hash.includes(second.clientSecret))
  }
  const [a, b] = rows.map((row) => row.secret_hash.split('$')[4])
  t.not(a, b, 'every hash has its own salt')
})

t.test('a gateway given another master key refuses to start instead of failing every token', async (t) => {
  const { database } = await testApp(t)
  await t.rejects(
    buildApp({
      config: testConfig({ masterKey: Buffer.alloc(32, 7).toString('base64') }),
      database,
      closeDatabase: false,
    }),
    /the master key .* does not open signing key key_/,
  )
})
