import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { addUnit, complaintAbout } from '../helpers/dispatch.js'
import { accessToken, as, regulatorCredentials } from '../helpers/identity.js'

t.test(
  `a unit's client has its own webhooks, stats and scope, as an enterprise's does (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t, { config: { webhookAllowPrivateTargets: true } })
    const token = await accessToken(app, await regulatorCredentials(database))
    const regulator = as(app, token)
    await addUnit(app, token, { name: '12345中心', kind: 'center' })
    const station = await addUnit(app, token, { name: '卢沟桥所', kind: 'station' })
    const other = await addUnit(app, token, { name: '新村所', kind: 'station' })
    await regulator({
      method: 'POST',
      url: '/v1/routing-rules',
      payload: {
        priority: 1,
        conditions: { area_code_prefix: '110106001' },
        target: { unit_id: station.id },
      },
    })
    const unit = as(app, station.client.token)

    const me = (await unit({ method: 'GET', url: '/v1/me' })).json()
    t.same([me.role, me.unit_id], ['unit', station.id], '/v1/me names the unit')

    const endpoint = await unit({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: 'http://127.0.0.1:9/hooks', event_types: ['dispute.assigned'] },
    })
    t.equal(endpoint.statusCode, 201, 'a unit subscribes to webhooks')
    t.same(
      [endpoint.json().unit_id, endpoint.json().enterprise_id],
      [station.id, null],
      "the endpoint is the unit's",
    )
    t.equal(
      (
        await as(
          app,
          other.client.token,
        )({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.json().id}` })
      ).statusCode,
      404,
      'another unit does not find it',
    )

    const dispute = (
      await regulator({
        method: 'POST',
        url: '/v1/disputes',
        payload: complaintAbout({ name: '某五金店', area_code: '110106001017' }),
      })
    ).json()
    t.same(dispute.assignee, { type: 'unit', id: station.id })
    const deliveries = await unit({
      method: 'GET',
      url: `/v1/webhook-endpoints/${endpoint.json().id}/deliveries`,
    })
    t.equal(
      deliveries.json().data.length,
      1,
      "the unit's endpoint receives the dispute.assigned of its dispute",
    )

    const stats = (await unit({ method: 'GET', url: '/v1/stats' })).json()
    t.equal(stats.data[0].received, 1, "a unit's stats count what it holds")
    t.equal(
      (await as(app, other.client.token)({ method: 'GET', url: '/v1/stats' })).json().data[0].received,
      0,
      "and another unit's count none of it",
    )

    const forbidden = await unit({ method: 'GET', url: '/v1/enterprises' })
    t.equal(forbidden.statusCode, 403, 'a unit client does not manage or read the enterprise directory')
    const intake = await unit({ method: 'POST', url: '/v1/disputes', payload: complaintAbout({ name: 'x' }) })
    t.equal(intake.statusCode, 403, 'nor take complaints in')
    const escalate = await unit({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/escalate`,
      payload: { reason: 'x' },
    })
    t.equal(escalate.statusCode, 403, "nor take a regulator's actions")
    const assign = await unit({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/assign`,
      payload: { unit_id: other.id },
    })
    t.equal(assign.statusCode, 403, 'only a centre dispatches')
  },
)
