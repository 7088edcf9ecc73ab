import t from 'tap'
import { hasData, seedDemo } from '../../src/demo/seed.js'
import { deadlinePolicyFrom } from '../../src/services/disputes/deadline-policy.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { accessToken, as } from '../helpers/identity.js'

t.test(`the demo data shows a living system: disputes in every state (${backend})`, async (t) => {
  const { app, database, config } = await testApp(t)
  t.equal(await hasData(database), false)
  const demo = await seedDemo(database, deadlinePolicyFrom(config))
  t.equal(await hasData(database), true, 'a second start leaves it alone')

  const regulator = as(app, await accessToken(app, demo.regulator))
  const disputes = (await regulator({ url: '/v1/disputes?limit=100' })).json().data as {
    status: string
    overdue: boolean
  }[]
  t.same([...new Set(disputes.map((d) => d.status))].sort(), [
    'assigned',
    'closed',
    'escalated',
    'in_progress',
    'returned',
    'settled',
  ])
  t.ok(
    disputes.some((d) => d.overdue),
    'one is overdue',
  )

  const enterprise = as(app, await accessToken(app, demo.enterprise))
  const own = (await enterprise({ url: '/v1/disputes' })).json().data as { enterprise_id: string }[]
  t.ok(own.length > 0)
  t.ok(
    own.every((d) => d.enterprise_id === demo.enterprise.enterpriseId),
    'the enterprise sees its own',
  )
})

t.test(`the demo city's districts and stations each see their own disputes (${backend})`, async (t) => {
  const { app, database, config } = await testApp(t)
  const demo = await seedDemo(database, deadlinePolicyFrom(config))
  const count = async (credentials: { clientId: string; clientSecret: string }) => {
    const res = await as(app, await accessToken(app, credentials))({ url: '/v1/disputes?limit=100' })
    return (res.json().data as unknown[]).length
  }
  t.same(
    demo.regulators.map((r) => r.code),
    ['110106', '110106001', '110106002', '110105', '110105001'],
    'a regulator at each district and station',
  )
  const byCode = Object.fromEntries(
    await Promise.all(demo.regulators.map(async (r) => [r.code, await count(r)] as const)),
  )
  const city = await count(demo.regulator)
  t.equal(byCode['110105'], 2, 'Chaoyang sees its own and its station’s')
  t.equal(byCode['110105001'], 1, 'Wangjing sees its own')
  t.equal((byCode['110106'] ?? 0) + (byCode['110105'] ?? 0), city, 'the two districts together are the city')
  t.ok((byCode['110106001'] ?? 0) < (byCode['110106'] ?? 0), 'a station sees less than its district')
})

t.test(`the demo city dispatches complaints by every path (${backend})`, async (t) => {
  const { app, database, config } = await testApp(t)
  const demo = await seedDemo(database, deadlinePolicyFrom(config))
  const regulator = as(app, await accessToken(app, demo.regulator))
  const disputes = (await regulator({ url: '/v1/disputes?limit=100' })).json().data as {
    routing: { matched_by: string; rule_id?: string } | null
    assignee: { type: string; id: string }
    status: string
  }[]
  const dispatched = disputes.filter((d) => d.routing !== null && d.routing.matched_by !== 'explicit')
  t.same(
    [...new Set(dispatched.map((d) => d.routing?.matched_by))].sort(),
    ['fallback', 'name', 'rule', 'uscc'],
    'by credit code, by name or alias, by rule and to the centre',
  )
  t.equal(
    new Set(dispatched.filter((d) => d.routing?.matched_by === 'rule').map((d) => d.routing?.rule_id)).size,
    5,
    'each of the five rules routed one',
  )
  const centre = as(app, await accessToken(app, demo.dispatch.centre))
  const queue = (await centre({ url: '/v1/disputes?awaiting_dispatch=true' })).json().data as {
    respond_by: string | null
    routing: { explanation: string }
  }[]
  t.equal(queue.length, 1, "one complaint waits in the centre's queue")
  t.match(queue[0]?.routing.explanation, /suspended/, 'past the suspended enterprise')
  t.equal(queue[0]?.respond_by, null, 'with no deadline yet')
  const station = as(app, await accessToken(app, demo.dispatch.station))
  const own = (await station({ url: '/v1/disputes' })).json().data as { status: string }[]
  t.same(
    own.map((d) => d.status).sort(),
    ['assigned', 'closed'],
    'the station has concluded one and holds another',
  )
  t.ok(
    disputes.some((d) => d.status === 'returned' && d.assignee.type === 'unit'),
    'a unit has declined one',
  )
})
