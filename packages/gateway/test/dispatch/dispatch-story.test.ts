import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { addRule, addUnit, complaintAbout } from '../helpers/dispatch.js'
import { settlementOf2700 } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials, testUscc } from '../helpers/identity.js'
import { addNode } from '../helpers/jurisdictions.js'

/**
 * 接诉即办 from intake to conclusion: a city with a centre, a district with its divisions,
 * a station and a task force, routing rules of every kind at the district and one at the
 * city, and complaints that take every path the dispatcher has. Each complaint is previewed
 * first, and intake must then do exactly what the preview said.
 */
t.test(
  `complaints are dispatched by credit code, alias, every kind of rule and to the centre (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const cityToken = await accessToken(app, await regulatorCredentials(database))
    const city = as(app, cityToken)
    const cityId = (await city({ method: 'GET', url: '/v1/me' })).json().jurisdiction.id as string
    const fengtai = await addNode(app, cityToken, {
      name: '丰台区市场监督管理局',
      code: '110106',
      level: 'district',
    })
    const chaoyang = await addNode(app, cityToken, {
      name: '朝阳区市场监督管理局',
      code: '110105',
      level: 'district',
    })
    const district = as(app, fengtai.regulator.token)

    const centre = await addUnit(app, cityToken, { name: '市12345接诉即办中心', kind: 'center' })
    const food = await addUnit(app, fengtai.regulator.token, {
      name: '丰台区食品经营监管科',
      kind: 'division',
    })
    const prices = await addUnit(app, fengtai.regulator.token, {
      name: '丰台区价格监督检查科',
      kind: 'division',
    })
    const station = await addUnit(app, fengtai.regulator.token, { name: '卢沟桥市场监管所', kind: 'station' })
    const prepaid = await addUnit(app, fengtai.regulator.token, {
      name: '预付式消费专班',
      kind: 'task_force',
    })
    const hotline = await addUnit(app, fengtai.regulator.token, {
      name: '丰台区窗口接待组',
      kind: 'division',
    })
    const metrology = await addUnit(app, cityToken, { name: '市计量监督处', kind: 'division' })

    const rules = {
      problemType: await addRule(app, fengtai.regulator.token, {
        priority: 10,
        conditions: { problem_type: 'food_safety' },
        unit: food.id,
      }),
      category: await addRule(app, fengtai.regulator.token, {
        priority: 20,
        conditions: { category: '价格欺诈' },
        unit: prices.id,
      }),
      area: await addRule(app, fengtai.regulator.token, {
        priority: 30,
        conditions: { area_code_prefix: '110106001' },
        unit: station.id,
      }),
      keywords: await addRule(app, fengtai.regulator.token, {
        priority: 40,
        conditions: { keywords: ['预付卡', '办卡'] },
        unit: prepaid.id,
      }),
      channel: await addRule(app, fengtai.regulator.token, {
        priority: 50,
        conditions: { channel: 'walk_in' },
        unit: hotline.id,
      }),
      // The city's rule applies to the district's complaints, after the district's own.
      ancestor: await addRule(app, cityToken, {
        priority: 1,
        conditions: { problem_type: 'measurement' },
        unit: metrology.id,
      }),
      disabled: await addRule(app, fengtai.regulator.token, {
        priority: 0,
        enabled: false,
        conditions: { problem_type: 'safety' },
        unit: food.id,
      }),
    }

    const video = await enrolEnterprise(app, fengtai.regulator.token, '北京某视频科技有限责任公司')
    t.equal(
      (
        await district({
          method: 'PATCH',
          url: `/v1/enterprises/${video.id}`,
          payload: { aliases: ['某视频 APP'] },
        })
      ).json().aliases[0],
      '某视频 APP',
      'the enterprise gains an alias',
    )
    const gymUscc = testUscc()
    const gym = await district({
      method: 'POST',
      url: '/v1/enterprises',
      payload: { name: '某健身有限公司', uscc: gymUscc, contact: { name: '李店长', phone: '01066668888' } },
    })
    await district({
      method: 'PATCH',
      url: `/v1/enterprises/${gym.json().id}`,
      payload: { odr_status: 'suspended' },
    })
    const videoUscc = (await district({ method: 'GET', url: `/v1/enterprises/${video.id}` })).json()
      .uscc as string

    const cases = [
      {
        name: 'by credit code',
        body: complaintAbout({ name: '一个不同的名字', uscc: videoUscc.toLowerCase() }),
        assignee: { type: 'enterprise', id: video.id },
        matched_by: 'uscc',
      },
      {
        name: 'by alias, written full-width',
        body: complaintAbout({ name: '某视频ＡＰＰ' }),
        assignee: { type: 'enterprise', id: video.id },
        matched_by: 'name',
      },
      {
        name: 'by name, with the other company suffix',
        body: complaintAbout({ name: '北京某视频科技有限公司' }),
        assignee: { type: 'enterprise', id: video.id },
        matched_by: 'name',
      },
      {
        name: 'by a problem_type rule',
        body: complaintAbout({ name: '某餐馆' }, { problem_type: 'food_safety' }),
        assignee: { type: 'unit', id: food.id },
        matched_by: 'rule',
        rule: rules.problemType,
      },
      {
        name: 'by a category rule',
        body: complaintAbout({ name: '某超市' }, { category: '价格欺诈' }),
        assignee: { type: 'unit', id: prices.id },
        matched_by: 'rule',
        rule: rules.category,
      },
      {
        name: 'by an area code rule',
        body: complaintAbout({ name: '某五金店', area_code: '110106001017' }),
        assignee: { type: 'unit', id: station.id },
        matched_by: 'rule',
        rule: rules.area,
      },
      {
        name: 'by a keyword rule',
        body: complaintAbout(
          { name: '某美发店' },
          { claim: { description: '店家倒闭，预付卡余额无法退还。', demands: ['refund'] } },
        ),
        assignee: { type: 'unit', id: prepaid.id },
        matched_by: 'rule',
        rule: rules.keywords,
      },
      {
        name: 'by a channel rule',
        body: complaintAbout({ name: '某服装店' }, { channel: 'walk_in' }),
        assignee: { type: 'unit', id: hotline.id },
        matched_by: 'rule',
        rule: rules.channel,
      },
      {
        name: "by the city's rule, an ancestor's",
        body: complaintAbout({ name: '某加油站' }, { problem_type: 'measurement' }),
        assignee: { type: 'unit', id: metrology.id },
        matched_by: 'rule',
        rule: rules.ancestor,
      },
      {
        name: 'to the centre, past a suspended enterprise',
        body: complaintAbout({ name: '某健身有限公司', uscc: gymUscc }, { problem_type: 'safety' }),
        assignee: { type: 'unit', id: centre.id },
        matched_by: 'fallback',
      },
    ] as const

    const created: Record<string, { id: string }> = {}
    for (const c of cases) {
      const preview = await district({ method: 'POST', url: '/v1/dispatch/preview', payload: c.body })
      t.equal(preview.statusCode, 200, `${c.name}: previewed`)
      const res = await district({ method: 'POST', url: '/v1/disputes', payload: c.body })
      t.equal(res.statusCode, 201, `${c.name}: received`)
      const dispute = res.json()
      created[c.name] = dispute
      t.same(dispute.assignee, c.assignee, `${c.name}: assigned as expected`)
      t.equal(dispute.routing.matched_by, c.matched_by, `${c.name}: matched ${c.matched_by}`)
      t.equal(dispute.routing.rule_id, 'rule' in c ? c.rule : undefined, `${c.name}: names its rule`)
      t.ok(dispute.routing.explanation.length > 10, `${c.name}: explains itself`)
      t.same(
        { assignee: preview.json().assignee, routing: preview.json().routing },
        { assignee: dispute.assignee, routing: dispute.routing },
        `${c.name}: the preview said exactly this`,
      )
      t.equal(
        dispute.enterprise_id,
        c.assignee.type === 'enterprise' ? c.assignee.id : null,
        `${c.name}: enterprise_id only for an enterprise`,
      )
      const timeline = await district({ method: 'GET', url: `/v1/disputes/${dispute.id}/timeline` })
      t.same(
        timeline.json().data[0].details.routing,
        dispute.routing,
        `${c.name}: the audit entry records the routing`,
      )
      t.same(timeline.json().data[0].details.assignee, c.assignee, `${c.name}: and the assignee`)
    }
    const skipped = created['to the centre, past a suspended enterprise'] as { id: string }
    const atCentre = (await district({ method: 'GET', url: `/v1/disputes/${skipped.id}` })).json()
    t.match(
      atCentre.routing.explanation,
      /suspended/,
      'the explanation names the suspended enterprise it skipped',
    )
    t.equal(atCentre.respond_by, null, 'a dispute waiting at the centre has no deadline yet')
    t.equal(atCentre.overdue, false, 'and is never overdue')

    const explicit = await district({
      method: 'POST',
      url: '/v1/disputes',
      payload: {
        ...complaintAbout({ name: '某餐馆' }, { problem_type: 'food_safety' }),
        enterprise_id: video.id,
      },
    })
    t.same(
      [explicit.json().assignee, explicit.json().routing.matched_by],
      [{ type: 'enterprise', id: video.id }, 'explicit'],
      'an enterprise named at intake wins over every rule',
    )

    // The centre's queue, and the centre dispatching by hand.
    const queue = await city({ method: 'GET', url: '/v1/disputes?awaiting_dispatch=true' })
    t.same(
      queue.json().data.map((d: { id: string }) => d.id),
      [skipped.id],
      "the centre's queue holds the dispute waiting there",
    )
    const centreCall = as(app, centre.client.token)
    const centreQueue = await centreCall({ method: 'GET', url: '/v1/disputes?awaiting_dispatch=true' })
    t.same(
      centreQueue.json().data.map((d: { id: string }) => d.id),
      [skipped.id],
      'the centre sees its queue',
    )
    t.same(centreQueue.json().data[0].allowed_actions, ['assign'], 'and may only dispatch it')
    const notYours = await as(
      app,
      station.client.token,
    )({ method: 'POST', url: `/v1/disputes/${skipped.id}/accept` })
    t.equal(notYours.statusCode, 404, "another unit's client does not find the centre's dispute")
    const dispatched = await centreCall({
      method: 'POST',
      url: `/v1/disputes/${skipped.id}/assign`,
      payload: { unit_id: station.id },
    })
    t.equal(dispatched.statusCode, 200, 'the centre assigns it by hand')
    t.same(dispatched.json().assignee, { type: 'unit', id: station.id }, 'to the station')
    t.type(dispatched.json().respond_by, 'string', 'and its deadline now runs')
    t.same(
      (await city({ method: 'GET', url: '/v1/disputes?awaiting_dispatch=true' })).json().data,
      [],
      'the queue is empty again',
    )

    // The station works the dispute through the same lifecycle as an enterprise.
    const stationCall = as(app, station.client.token)
    const accepted = await stationCall({
      method: 'POST',
      url: `/v1/disputes/${skipped.id}/accept`,
      payload: {},
    })
    t.equal(accepted.json().status, 'in_progress', 'the unit accepts')
    const contact = await stationCall({
      method: 'POST',
      url: `/v1/disputes/${skipped.id}/contacts`,
      payload: {
        channel: 'phone',
        contacted_at: new Date().toISOString(),
        reached: true,
        summary: '已电话联系消费者。',
      },
    })
    t.equal(contact.statusCode, 201, 'records its contact with the consumer')
    await stationCall({
      method: 'POST',
      url: `/v1/disputes/${skipped.id}/settlements`,
      payload: settlementOf2700,
    })
    const concluded = await stationCall({
      method: 'POST',
      url: `/v1/disputes/${skipped.id}/outcome`,
      payload: { result: 'fulfilled', summary: '已退款，消费者满意。' },
    })
    t.same([concluded.json().status, concluded.json().resolution], ['closed', 'settled'], 'and concludes it')
    const stationList = await stationCall({ method: 'GET', url: '/v1/disputes' })
    t.same(
      stationList
        .json()
        .data.map((d: { id: string }) => d.id)
        .sort(),
      [created['by an area code rule']?.id, skipped.id].sort(),
      "a unit's client lists only its unit's disputes",
    )
    const foreign = created['by a keyword rule'] as { id: string }
    t.equal(
      (await stationCall({ method: 'GET', url: `/v1/disputes/${foreign.id}` })).statusCode,
      404,
      "another unit's dispute is not found",
    )
    const events = await stationCall({ method: 'GET', url: '/v1/events' })
    const assigned = events.json().data.find((e: { type: string }) => e.type === 'dispute.assigned')
    t.same(
      [assigned.assignee, assigned.enterprise_id],
      [{ type: 'unit', id: station.id }, null],
      "the unit's feed carries its events, with the assignee",
    )

    // A unit's decline returns the dispute; the district assigns it to an enterprise.
    const foodCase = created['by a problem_type rule'] as { id: string }
    const declined = await as(
      app,
      food.client.token,
    )({
      method: 'POST',
      url: `/v1/disputes/${foodCase.id}/decline`,
      payload: { reason: 'not_responsible', note: '属于平台外卖订单。' },
    })
    t.equal(declined.json().status, 'returned', "a unit's decline returns the dispute")
    const reassigned = await district({
      method: 'POST',
      url: `/v1/disputes/${foodCase.id}/assign`,
      payload: { enterprise_id: video.id },
    })
    t.same(
      [reassigned.json().status, reassigned.json().assignee, reassigned.json().enterprise_id],
      ['assigned', { type: 'enterprise', id: video.id }, video.id],
      'the regulator assigns it to an enterprise',
    )
    t.equal(
      (await as(app, food.client.token)({ method: 'GET', url: `/v1/disputes/${foodCase.id}` })).statusCode,
      404,
      'which the unit no longer sees',
    )
    const both = await district({
      method: 'POST',
      url: `/v1/disputes/${foodCase.id}/assign`,
      payload: { enterprise_id: video.id, unit_id: food.id },
    })
    t.equal(both.statusCode, 400, 'assign takes one of enterprise_id or unit_id, not both')

    // Indicators per assignee: units beside enterprises; per enterprise, enterprises only.
    const byAssignee = (await city({ method: 'GET', url: '/v1/stats?group_by=assignee' })).json().data as {
      group: string
      received: number
      settled: number
    }[]
    const stationRow = byAssignee.find((row) => row.group === station.id)
    t.same(
      [stationRow?.received, stationRow?.settled],
      [2, 1],
      'the station counts as an assignee of its own',
    )
    t.ok(
      byAssignee.some((row) => row.group === video.id),
      'beside the enterprises',
    )
    const byEnterprise = (await city({ method: 'GET', url: '/v1/stats?group_by=enterprise' })).json()
      .data as {
      group: string
    }[]
    t.same(
      byEnterprise.map((row) => row.group),
      [video.id],
      'per enterprise counts only what enterprises hold',
    )

    // Tenancy of units and rules.
    const neighbour = as(app, chaoyang.regulator.token)
    t.equal(
      (await neighbour({ method: 'GET', url: `/v1/handling-units/${food.id}` })).statusCode,
      404,
      "a neighbouring district does not find the district's unit",
    )
    t.equal(
      (await neighbour({ method: 'GET', url: `/v1/routing-rules/${rules.area}` })).statusCode,
      404,
      'nor its rule',
    )
    t.same(
      (await neighbour({ method: 'GET', url: '/v1/routing-rules' })).json().data,
      [],
      'and lists none of them',
    )
    t.same(
      (await district({ method: 'GET', url: '/v1/handling-units' }))
        .json()
        .data.map((u: { id: string }) => u.id)
        .sort(),
      [food.id, prices.id, station.id, prepaid.id, hotline.id].sort(),
      'the district lists the units of its subtree only',
    )
    t.equal(
      (await city({ method: 'GET', url: '/v1/handling-units' })).json().data.length,
      7,
      'the city lists every unit',
    )
    t.ok(cityId, 'the city is the root')
  },
)

t.test(`without a centre anywhere, a complaint nothing matches is refused (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const token = await accessToken(app, await regulatorCredentials(database))
  const res = await as(
    app,
    token,
  )({ method: 'POST', url: '/v1/disputes', payload: complaintAbout({ name: '某小店' }) })
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'no_dispatch_target')
  const none = await as(app, token)({ method: 'GET', url: '/v1/disputes' })
  t.same(none.json().data, [], 'and nothing was created')
  const bare = complaintAbout({ name: 'x' }) as Record<string, unknown>
  delete bare.respondent
  const missing = await as(app, token)({ method: 'POST', url: '/v1/disputes', payload: bare })
  t.same(
    [missing.statusCode, missing.json().code],
    [400, 'validation_failed'],
    'a complaint naming no one is refused',
  )
})
