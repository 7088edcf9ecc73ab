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
