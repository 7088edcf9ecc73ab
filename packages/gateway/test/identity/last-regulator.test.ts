import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { accessToken, as, regulatorCredentials } from '../helpers/identity.js'
import { addNode } from '../helpers/jurisdictions.js'

t.test(
  `a regulator cannot revoke the last active regulator client, itself included (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const only = await regulatorCredentials(database)
    const token = await accessToken(app, only)
    const res = await as(app, token)({ method: 'DELETE', url: `/v1/clients/${only.clientId}` })
    t.equal(res.statusCode, 409)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.json().code, 'last_regulator_client')
    const me = await as(app, token)({ url: '/v1/me' })
    t.equal(me.statusCode, 200, 'the regulator keeps its access')
    const row = await database.db
      .selectFrom('api_clients')
      .select('revoked_at')
      .where('id', '=', only.clientId)
      .executeTakeFirstOrThrow()
    t.equal(row.revoked_at, null, 'nothing changed')
  },
)

t.test(`with another active regulator client, a regulator client can be revoked (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const first = await regulatorCredentials(database)
  const second = await regulatorCredentials(database)
  const token = await accessToken(app, first)
  const revoked = await as(app, token)({ method: 'DELETE', url: `/v1/clients/${second.clientId}` })
  t.equal(revoked.statusCode, 200)
  t.type(revoked.json().revoked_at, 'string')
  const last = await as(app, token)({ method: 'DELETE', url: `/v1/clients/${first.clientId}` })
  t.equal(last.statusCode, 409, 'the remaining one is now the last')
  t.equal(last.json().code, 'last_regulator_client')
})

t.test(`two regulators revoking each other at once leave one of them active (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const first = await regulatorCredentials(database)
  const second = await regulatorCredentials(database)
  const firstToken = await accessToken(app, first)
  const secondToken = await accessToken(app, second)
  const results = await Promise.all([
    as(app, firstToken)({ method: 'DELETE', url: `/v1/clients/${second.clientId}` }),
    as(app, secondToken)({ method: 'DELETE', url: `/v1/clients/${first.clientId}` }),
  ])
  const [won, lost] = [...results].sort((a, b) => a.statusCode - b.statusCode) as [
    (typeof results)[number],
    (typeof results)[number],
  ]
  t.equal(won.statusCode, 200, 'one revocation succeeds')
  // The loser is refused either way: 409 when both requests authenticated before either
  // revocation committed (the second would leave none), 401 when the winner's revocation
  // committed before the loser's token was checked.
  const refusal = `${lost.statusCode} ${lost.json().code}`
  t.ok(
    refusal === '409 last_regulator_client' || refusal === '401 invalid_token',
    `the other is refused (${refusal})`,
  )
  const active = await database.db
    .selectFrom('api_clients')
    .select('id')
    .where('role', '=', 'regulator')
    .where('revoked_at', 'is', null)
    .execute()
  t.equal(active.length, 1, 'one regulator client remains active')
})

t.test(
  `only the root's last regulator client is kept: a district's last one can go, and does not count for the root (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const city = await regulatorCredentials(database)
    const cityToken = await accessToken(app, city)
    const district = await addNode(app, cityToken, {
      name: '丰台区市场监督管理局',
      code: '110106',
      level: 'district',
    })
    const cityLast = await as(app, cityToken)({ method: 'DELETE', url: `/v1/clients/${city.clientId}` })
    t.equal(cityLast.statusCode, 409, 'a district regulator does not stand in for the root')
    t.equal(cityLast.json().code, 'last_regulator_client')
    const districtLast = await as(
      app,
      cityToken,
    )({ method: 'DELETE', url: `/v1/clients/${district.regulator.clientId}` })
    t.equal(districtLast.statusCode, 200, "the city revokes its district's last regulator client")
  },
)
