import t, { type Test } from 'tap'
import { testApp } from '../helpers/app.js'
import { complaint } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

/** Strings neither PostgreSQL nor canonical JSON can keep unchanged, written as JSON escapes. */
const unstorable = {
  NUL: '\\u0000',
  'a lone high surrogate': '\\ud800',
  'a lone low surrogate': 'x\\udc00',
  'a noncharacter': '\\ufffe',
  'a supplementary noncharacter': '\\ud83f\\udfff',
}

async function setUp(t: Test) {
  const { app, database } = await testApp(t)
  const credentials = await regulatorCredentials(database)
  const regulatorToken = await accessToken(app, credentials)
  const enterprise = await enrolEnterprise(app, regulatorToken, 'Acme Video')
  const regulator = as(app, regulatorToken)
  const disputeCount = async () =>
    (await regulator({ method: 'GET', url: '/v1/disputes?limit=100' })).json().data.length
  return { app, credentials, enterprise, regulator, disputeCount }
}

t.test(
  'a body string anywhere in the body that cannot be stored unchanged is a 400, and nothing is created',
  async (t) => {
    const { enterprise, regulator, disputeCount } = await setUp(t)
    for (const [name, escaped] of Object.entries(unstorable)) {
      const text = JSON.stringify(complaint(enterprise.id)).replace(
        '"description":"',
        `"description":"${escaped}`,
      )
      const res = await regulator({
        method: 'POST',
        url: '/v1/disputes',
        headers: { 'content-type': 'application/json' },
        payload: text,
      })
      t.equal(res.statusCode, 400, name)
      t.match(res.json(), { code: 'validation_failed', errors: [{ path: 'body/claim/description' }] }, name)
    }
    t.equal(await disputeCount(), 0)
  },
)

t.test('text of every other kind is stored and read back unchanged', async (t) => {
  const { enterprise, regulator } = await setUp(t)
  const description =
    'RTL \u202eabc\u202c, zero-width \u200b\u200d\ufeff, emoji 😀👩‍👩‍👧, CJK 和解, combining e\u0301, tab\tand\nnewline'
  const created = await regulator({
    method: 'POST',
    url: '/v1/disputes',
    payload: complaint(enterprise.id, { claim: { ...complaint(enterprise.id).claim, description } }),
  })
  t.equal(created.statusCode, 201, created.body)
  const read = await regulator({ method: 'GET', url: `/v1/disputes/${created.json().id}` })
  t.equal(read.json().claim.description, description)
})

t.test(
  'a path id, a query filter or an idempotency key that cannot be stored is a 400, not a 500',
  async (t) => {
    const { enterprise, regulator, disputeCount } = await setUp(t)
    const cases: [string, string, string][] = [
      ['GET', '/v1/disputes/dsp_%00', 'params/id'],
      ['GET', '/v1/enterprises/ent_%00x', 'params/id'],
      ['GET', '/v1/disputes?external_ref=%00', 'querystring/external_ref'],
      ['GET', '/v1/disputes?external_ref=%EF%BF%BE', 'querystring/external_ref'],
    ]
    for (const [method, url, path] of cases) {
      const res = await regulator({ method: method as 'GET', url })
      t.equal(res.statusCode, 400, url)
      t.match(res.json(), { code: 'validation_failed', errors: [{ path }] }, url)
    }
    const keyed = await regulator({
      method: 'POST',
      url: '/v1/disputes',
      headers: { 'idempotency-key': 'key-\u0000' },
      payload: complaint(enterprise.id),
    })
    t.equal(keyed.statusCode, 400)
    t.match(keyed.json(), { code: 'validation_failed', errors: [{ path: 'headers/idempotency-key' }] })
    t.equal(await disputeCount(), 0)
  },
)

t.test(
  'the token endpoint refuses unstorable credentials as invalid_request, in form and JSON bodies',
  async (t) => {
    const { app, credentials } = await setUp(t)
    const form = await app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${credentials.clientId}%00&client_secret=x`,
    })
    t.equal(form.statusCode, 400, form.body)
    t.equal(form.json().error, 'invalid_request')
    const json = await app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/json' },
      payload: `{"grant_type":"client_credentials","client_id":"${credentials.clientId}","client_secret":"\\ud800"}`,
    })
    t.equal(json.statusCode, 400, json.body)
    t.equal(json.json().error, 'invalid_request')
    const basic = await app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { authorization: `Basic ${Buffer.from(`${credentials.clientId}%00:x`).toString('base64')}` },
      payload: { grant_type: 'client_credentials' },
    })
    t.equal(basic.statusCode, 400, basic.body)
    t.equal(basic.json().error, 'invalid_request')
  },
)
