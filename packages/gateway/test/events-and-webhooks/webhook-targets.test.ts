import t from 'tap'
import { request } from 'undici'
import type { Config } from '../../src/config.js'
import { webhookAgent } from '../../src/services/webhooks/targets.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

async function enterpriseOf(t: { teardown(fn: () => unknown): void }, config: Partial<Config> = {}) {
  const { app, database } = await testApp(t, { config: { webhookAllowPrivateTargets: false, ...config } })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const enterprise = await enrolEnterprise(app, regulatorToken, '京东')
  const create = (url: string) =>
    as(
      app,
      enterprise.token,
    )({ method: 'POST', url: '/v1/webhook-endpoints', payload: { url, event_types: ['*'] } })
  return { app, database, enterprise, create }
}

/** IPv6 literals that carry a private, loopback or metadata IPv4 address, and the address. */
const carriersOfForbidden = {
  'IPv4-compatible ::a.b.c.d': ['https://[::127.0.0.1]/hooks', '127.0.0.1'],
  'IPv4-compatible, as hex': ['https://[::a9fe:a9fe]/hooks', '169.254.169.254'],
  'IPv4-mapped ::ffff:a.b.c.d': ['https://[::ffff:10.0.0.1]/hooks', '10.0.0.1'],
  'IPv4-translated ::ffff:0:a.b.c.d': ['https://[::ffff:0:c0a8:101]/hooks', '192.168.1.1'],
  'NAT64 64:ff9b::/96': ['https://[64:ff9b::a9fe:a9fe]/hooks', '169.254.169.254'],
  '6to4 2002::/16': ['https://[2002:c0a8:101::1]/hooks', '192.168.1.1'],
  'Teredo, its client': ['https://[2001:0:4136:e378:8000:63bf:3f57:fefe]/hooks', '192.168.1.1'],
  'Teredo, its server': ['https://[2001:0:7f00:1::1]/hooks', '127.0.0.1'],
} as const

t.test(
  `every IPv6 literal that carries a forbidden IPv4 address is refused at creation (${backend})`,
  async (t) => {
    const { create, database } = await enterpriseOf(t)
    for (const [form, [url, carried]] of Object.entries(carriersOfForbidden)) {
      const res = await create(url)
      t.equal(res.statusCode, 422, form)
      t.equal(res.json().code, 'webhook_url_not_allowed', form)
      t.match(res.json().detail, carried, `${form}: the detail names ${carried}`)
    }
    t.equal(
      (await database.db.selectFrom('webhook_endpoints').selectAll().execute()).length,
      0,
      'none was stored',
    )
  },
)

t.test(
  `a translation of a public IPv4 address is judged by that address and allowed (${backend})`,
  async (t) => {
    const { create } = await enterpriseOf(t)
    for (const url of [
      'https://[::ffff:8.8.8.8]/hooks',
      'https://[64:ff9b::808:808]/hooks',
      'https://8.8.8.8/hooks',
    ]) {
      t.equal((await create(url)).statusCode, 201, url)
    }
  },
)

t.test(`webhook URLs name port 443 or 80, or one the deployment allows (${backend})`, async (t) => {
  const plain = await enterpriseOf(t)
  for (const url of [
    'https://crm.example.com/hooks',
    'https://crm.example.com:443/hooks',
    'https://crm.example.com:80/hooks',
  ]) {
    t.equal((await plain.create(url)).statusCode, 201, url)
  }
  for (const url of [
    'https://crm.example.com:8443/hooks',
    'https://crm.example.com:22/',
    'https://8.8.8.8:6379/',
  ]) {
    const res = await plain.create(url)
    t.equal(res.statusCode, 422, url)
    t.equal(res.json().code, 'webhook_url_not_allowed', url)
    t.match(res.json().detail, /port \d+ is not allowed/, url)
  }
  const created = (await plain.create('https://crm.example.com/hooks')).json()
  const moved = await as(
    plain.app,
    plain.enterprise.token,
  )({
    method: 'PATCH',
    url: `/v1/webhook-endpoints/${created.id}`,
    payload: { url: 'https://crm.example.com:9200/hooks' },
  })
  t.equal(moved.statusCode, 422, 'a change of URL is held to the same rule')

  const configured = await enterpriseOf(t, { webhookAllowedPorts: [8443] })
  t.equal(
    (await configured.create('https://crm.example.com:8443/hooks')).statusCode,
    201,
    'a configured port',
  )
  t.equal((await configured.create('https://crm.example.com:8444/hooks')).statusCode, 422, 'only that one')
})

t.test(
  'at delivery, the port and an address carried in an IPv6 literal are checked before connecting',
  async (t) => {
    const agent = webhookAgent({ allowPrivate: false, extraPorts: [], timeoutMs: 2000, connections: 1 })
    t.teardown(() => agent.close())
    const refusal = async (url: string) => {
      try {
        await request(url, { dispatcher: agent, method: 'POST', body: '{}' })
        return 'sent'
      } catch (error) {
        return (error as Error).message
      }
    }
    t.match(await refusal('https://1.1.1.1:8443/hooks'), /port 8443 is not allowed.*SSRF protection/)
    t.match(await refusal('https://[::127.0.0.1]/hooks'), /carries 127\.0\.0\.1.*SSRF protection/)
    t.match(
      await refusal('https://[64:ff9b::a9fe:a9fe]/hooks'),
      /carries 169\.254\.169\.254.*SSRF protection/,
    )
    t.match(await refusal('https://[2002:a00:1::1]/hooks'), /carries 10\.0\.0\.1.*SSRF protection/)
  },
)
