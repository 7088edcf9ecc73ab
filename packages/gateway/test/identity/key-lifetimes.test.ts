import type { KeyObject } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { SignJWT } from 'jose'
import t from 'tap'
import type { Config } from '../../src/config.js'
import { KeyRing } from '../../src/services/identity/key-ring.js'
import { MasterKey } from '../../src/services/identity/master-key.js'
import { rootJurisdiction } from '../../src/services/jurisdictions/tree.js'
import { testApp } from '../helpers/app.js'
import { backend, freshDatabase, type TestDatabase } from '../helpers/database.js'
import { type Credentials, regulatorCredentials } from '../helpers/identity.js'

/** A regulator's credentials with the node its tokens name. */
type Regulator = Credentials & { jurisdictionId: string }

const seconds = () => Math.floor(Date.now() / 1000)

/** An access token as the gateway signs one, with the times chosen by the test. */
function sign(
  config: Config,
  key: { kid: string; privateKey: KeyObject },
  credentials: Regulator,
  times: { iat: number; exp: number },
) {
  return new SignJWT({
    role: 'regulator',
    scope: 'clients:read',
    client_id: credentials.clientId,
    jur: credentials.jurisdictionId,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(config.tokenIssuer)
    .setAudience(config.tokenAudience)
    .setSubject(credentials.clientId)
    .setJti(`jti-${Math.random()}`)
    .setIssuedAt(times.iat)
    .setExpirationTime(times.exp)
    .sign(key.privateKey)
}

const statusOf = async (app: FastifyInstance, token: string) =>
  (await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode

async function twoInstances(t: { teardown(fn: () => unknown): void }) {
  const database = await freshDatabase(t)
  // A short activation delay: every instance refreshes its keys every 100 ms.
  const config = { keyActivationDelayMs: 200 }
  const first = await testApp(t, { database, config })
  const second = await testApp(t, { database, config })
  const ring = new KeyRing(database, MasterKey.fromBase64(first.config.masterKey ?? ''), 200)
  await ring.load()
  const credentials: Regulator = {
    ...(await regulatorCredentials(database)),
    jurisdictionId: (await rootJurisdiction(database.db)).id,
  }
  return { database, first, second, ring, credentials }
}

/** Moves a key's retirement back in time, as if the rotation had happened `ms` ago. */
async function retireAgo(database: TestDatabase, kid: string, ms: number) {
  await database.db
    .updateTable('signing_keys')
    .set({ retired_at: new Date(Date.now() - ms).toISOString() })
    .where('kid', '=', kid)
    .execute()
}

t.test(
  `after a rotation, a retired key verifies its tokens until they have all expired, then none (${backend})`,
  async (t) => {
    const { database, first, second, ring, credentials } = await twoInstances(t)
    const old = ring.signingKey()
    await ring.rotate()
    await new Promise((resolve) => setTimeout(resolve, 400))
    const ttl = first.config.tokenTtlSeconds
    const issuedJustBefore = await sign(first.config, old, credentials, {
      iat: seconds() - 1,
      exp: seconds() + ttl - 1,
    })
    for (const instance of [first, second]) {
      t.equal(
        await statusOf(instance.app, issuedJustBefore),
        200,
        'a token of the old key within its lifetime works',
      )
    }

    // The rotation took place longer ago than a token lives: everything the old key signed
    // has expired, so a token it signs now is a forgery (a leaked key) and every instance refuses it.
    await retireAgo(database, old.kid, (ttl + 120) * 1000)
    await new Promise((resolve) => setTimeout(resolve, 400))
    const forged = await sign(first.config, old, credentials, { iat: seconds() - 10, exp: seconds() + 50 })
    for (const instance of [first, second]) {
      t.equal(await statusOf(instance.app, forged), 401, 'the retired key verifies no token any more')
      const jwks = (await instance.app.inject('/.well-known/jwks.json')).json()
      t.ok(
        jwks.keys.some((key: { kid: string }) => key.kid === old.kid),
        'it stays published for the checkpoints it signed',
      )
    }
  },
)

t.test(`a retired key does not verify a token dated after its retirement (${backend})`, async (t) => {
  const { database, first, second, ring, credentials } = await twoInstances(t)
  const old = ring.signingKey()
  await ring.rotate()
  await retireAgo(database, old.kid, 5 * 60_000)
  await new Promise((resolve) => setTimeout(resolve, 400))
  const late = await sign(first.config, old, credentials, { iat: seconds(), exp: seconds() + 60 })
  t.equal(await statusOf(first.app, late), 401)
  t.equal(await statusOf(second.app, late), 401)
})

t.test(
  `a token living longer than the configured lifetime is refused, whoever signed it (${backend})`,
  async (t) => {
    const { first, second, ring, credentials } = await twoInstances(t)
    const current = ring.signingKey()
    const ttl = first.config.tokenTtlSeconds
    const now = seconds()
    const fitting = await sign(first.config, current, credentials, { iat: now, exp: now + ttl })
    const tooLong = await sign(first.config, current, credentials, { iat: now, exp: now + ttl + 1 })
    const aDay = await sign(first.config, current, credentials, { iat: now, exp: now + 86_400 })
    const datedAhead = await sign(first.config, current, credentials, {
      iat: now + 86_400,
      exp: now + 86_400 + 60,
    })
    for (const instance of [first, second]) {
      t.equal(await statusOf(instance.app, fitting), 200, 'a token of exactly the lifetime works')
      t.equal(await statusOf(instance.app, tooLong), 401, 'one second longer is refused')
      t.equal(await statusOf(instance.app, aDay), 401, 'a day-long token is refused')
      t.equal(await statusOf(instance.app, datedAhead), 401, 'a token dated ahead is refused')
    }
  },
)

t.test(`a token without iat is refused (${backend})`, async (t) => {
  const { first, ring, credentials } = await twoInstances(t)
  const { kid, privateKey } = ring.signingKey()
  const token = await new SignJWT({
    role: 'regulator',
    scope: 'clients:read',
    client_id: credentials.clientId,
    jur: credentials.jurisdictionId,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
    .setIssuer(first.config.tokenIssuer)
    .setAudience(first.config.tokenAudience)
    .setSubject(credentials.clientId)
    .setJti('no-iat')
    .setExpirationTime(seconds() + 60)
    .sign(privateKey)
  const res = await first.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'invalid_token')
})
