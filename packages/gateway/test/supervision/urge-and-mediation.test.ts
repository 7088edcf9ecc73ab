import { sql } from 'kysely'
import t from 'tap'
import { defaultCalendar } from '../../src/domain/working-days.js'
import { type DeadlinePolicy, mediationDueAt } from '../../src/services/disputes/deadline-policy.js'
import { scanMediationDeadlines } from '../../src/services/disputes/mediation-scan.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { addUnit } from '../helpers/dispatch.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const policy: DeadlinePolicy = {
  calendar: defaultCalendar(),
  responseWorkingDays: 10,
  warningWorkingDays: 2,
  mediationWorkingDays: 45,
  autoEscalateOverdue: false,
}

/** The types of the events in a client's feed, oldest first. */
async function feedTypes(call: ReturnType<typeof as>) {
  const res = await call({ method: 'GET', url: '/v1/events?limit=100' })
  return (res.json().data as { type: string; data: { object: { id: string } } }[]).map((event) => event.type)
}

t.test(
  `a regulator urges the assignee, who is told, and the urge is counted against it (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const regulatorToken = await accessToken(app, await regulatorCredentials(database))
    const regulator = as(app, regulatorToken)
    const shop = await enrolEnterprise(app, regulatorToken, '北京某视频科技有限责任公司')
    const enterprise = as(app, shop.token)
    const dispute = await intakeDispute(app, regulatorToken, shop.id)
    t.same(dispute.urge_count, 0)
    t.ok(dispute.allowed_actions.includes('urge'), 'a regulator may urge an assigned dispute')

    const newDeadline = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const urged = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/urge`,
      payload: { note: '请于三日内联系消费者并反馈处理结果。', respond_by: newDeadline },
    })
    t.equal(urged.statusCode, 200, urged.body)
    t.match(urged.json(), { status: 'assigned', urge_count: 1, respond_by: newDeadline, version: 2 })
    t.ok(urged.json().last_urged_at)

    t.ok((await feedTypes(enterprise)).includes('dispute.urged'), "dispute.urged is in the enterprise's feed")
    const timeline = await enterprise({ method: 'GET', url: `/v1/disputes/${dispute.id}/timeline` })
    const entry = timeline.json().data.find((e: { action: string }) => e.action === 'dispute.urged')
    t.match(entry, { action: 'dispute.urged' }, 'the urge is on the timeline the enterprise reads')
    t.match(JSON.stringify(entry), /请于三日内联系消费者/, 'with its note')

    const byEnterprise = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/urge`,
      payload: { note: '自己催自己' },
    })
    t.equal(byEnterprise.statusCode, 403, 'an enterprise cannot urge')

    const past = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/urge`,
      payload: { note: '已过期的期限', respond_by: '2020-01-01T00:00:00Z' },
    })
    t.equal(past.statusCode, 400)
    t.equal(past.json().code, 'validation_failed')
    const after = await regulator({ method: 'GET', url: `/v1/disputes/${dispute.id}` })
    t.match(
      after.json(),
      { urge_count: 1, version: 2, respond_by: newDeadline },
      'a refused urge changes nothing',
    )

    await regulator({ method: 'POST', url: `/v1/disputes/${dispute.id}/urge`, payload: { note: '再次督办' } })
    const other = await intakeDispute(app, regulatorToken, shop.id)
    await regulator({ method: 'POST', url: `/v1/disputes/${other.id}/urge`, payload: { note: '督办' } })
    const stats = await regulator({ method: 'GET', url: '/v1/stats?group_by=assignee' })
    t.match(
      stats.json().data.find((group: { group: string }) => group.group === shop.id),
      { received: 2, urged: 3 },
      'three urges of the enterprise over its two disputes',
    )

    const elsewhere = await enrolEnterprise(app, regulatorToken, '北京某电商有限公司')
    await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/decline`,
      payload: { reason: 'other' },
    })
    const moved = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/assign`,
      payload: { enterprise_id: elsewhere.id },
    })
    t.match(moved.json(), { urge_count: 0, last_urged_at: null }, 'the new assignee starts with no urges')
    const restats = await regulator({ method: 'GET', url: '/v1/stats?group_by=assignee' })
    t.match(
      restats.json().data.find((group: { group: string }) => group.group === shop.id),
      { received: 1, urged: 1 },
      'the urges of the dispute that left it leave its count',
    )

    await regulator({ method: 'POST', url: `/v1/disputes/${other.id}/withdraw`, payload: {} })
    const closed = await regulator({
      method: 'POST',
      url: `/v1/disputes/${other.id}/urge`,
      payload: { note: '已结案' },
    })
    t.equal(closed.statusCode, 409)
    t.equal(closed.json().code, 'invalid_transition', 'a closed dispute is not urged')
  },
)

t.test(
  `administrative mediation: a deadline of 45 working days, records by the bureau, warnings once, the result in the indicators (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const regulatorToken = await accessToken(app, await regulatorCredentials(database))
    const regulator = as(app, regulatorToken)
    const shop = await enrolEnterprise(app, regulatorToken, '北京某健身服务有限公司')
    const enterprise = as(app, shop.token)
    const dispute = await intakeDispute(app, regulatorToken, shop.id)
    await enterprise({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept`, payload: {} })
    const escalated = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/outcome`,
      payload: { result: 'not_settled', reason: '消费者要求全额退款', summary: '双方未达成一致。' },
    })
    t.equal(escalated.statusCode, 200, escalated.body)
    const escalatedAt = escalated.json().outcome.reported_at as string
    t.equal(
      escalated.json().mediation_due_at,
      mediationDueAt(policy, new Date(escalatedAt)),
      'the mediation deadline: 45 working days from the escalation',
    )
    t.ok(
      Date.parse(escalated.json().mediation_due_at) - Date.parse(escalatedAt) > 60 * 86_400_000,
      '45 working days are more than 60 calendar days',
    )

    const session = {
      held_at: new Date(Date.now() - 3_600_000).toISOString(),
      method: 'in_person',
      participants: [
        { role: 'consumer', name: '张伟' },
        { role: 'respondent', name: '北京某健身服务有限公司' },
        { role: 'mediator', name: '卢沟桥市场监管所 李调解员' },
      ],
      summary: '双方同意退还剩余课时费的八成。',
      agreement: '商家于五个工作日内退还2160元。',
    }
    const byEnterprise = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/mediation-records`,
      payload: session,
    })
    t.equal(byEnterprise.statusCode, 403, 'the enterprise that could not settle does not mediate')
    const recorded = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/mediation-records`,
      payload: session,
    })
    t.equal(recorded.statusCode, 201, recorded.body)
    t.match(recorded.json(), {
      object: 'mediation_record',
      dispute_id: dispute.id,
      method: 'in_person',
      agreement: session.agreement,
    })
    t.match(recorded.json().id, /^med_/)
    t.same(recorded.json().participants, session.participants)
    const noParticipants = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/mediation-records`,
      payload: { ...session, participants: [] },
    })
    t.equal(noParticipants.statusCode, 400, 'a session without participants is refused')
    const records = await sql<{ n: number | string }>`select count(*) as n from mediation_records`.execute(
      database.db,
    )
    t.equal(Number(records.rows[0]?.n), 1, 'and changes nothing')

    // The scanner: a warning within two working days of the deadline, then overdue; once each.
    const due = new Date(escalated.json().mediation_due_at)
    const dayBefore = new Date(due.getTime() - 86_400_000)
    t.same(await scanMediationDeadlines(database, policy, new Date(due.getTime() - 30 * 86_400_000)), {
      warned: 0,
      overdue: 0,
    })
    t.same(await scanMediationDeadlines(database, policy, dayBefore), { warned: 1, overdue: 0 })
    t.same(
      await scanMediationDeadlines(database, policy, dayBefore),
      { warned: 0, overdue: 0 },
      'warned once',
    )
    const late = new Date(due.getTime() + 1)
    t.same(await scanMediationDeadlines(database, policy, late), { warned: 0, overdue: 1 })
    t.same(await scanMediationDeadlines(database, policy, late), { warned: 0, overdue: 0 }, 'reported once')
    const regulatorFeed = await feedTypes(regulator)
    t.ok(regulatorFeed.includes('dispute.mediation_deadline_approaching'), 'the bureau is warned')
    t.ok(regulatorFeed.includes('dispute.mediation_overdue'), 'and told when it passed')
    const enterpriseFeed = await feedTypes(enterprise)
    t.notOk(
      enterpriseFeed.some((type) => type.startsWith('dispute.mediation')),
      "the mediation deadline's events are not the enterprise's",
    )

    const closed = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/close`,
      payload: { resolution: 'mediated', note: '调解成功' },
    })
    t.equal(closed.statusCode, 200, closed.body)
    const row = await database.db
      .selectFrom('disputes')
      .select(['resolution_ms', 'received_at', 'closed_at'])
      .where('id', '=', dispute.id)
      .executeTakeFirstOrThrow()
    t.equal(
      Number(row.resolution_ms),
      Date.parse(row.closed_at ?? '') - Date.parse(row.received_at),
      'the consumer waited from receipt to closing',
    )
    // Received ten days before it closed, the wait the indicator must show.
    await database.db
      .updateTable('disputes')
      .set({ resolution_ms: 10 * 86_400_000 })
      .where('id', '=', dispute.id)
      .execute()
    const direct = await intakeDispute(app, regulatorToken, shop.id)
    await enterprise({ method: 'POST', url: `/v1/disputes/${direct.id}/accept`, payload: {} })
    await enterprise({
      method: 'POST',
      url: `/v1/disputes/${direct.id}/settlements`,
      payload: {
        remedy: 'apology',
        terms: '书面道歉。',
        agreed_at: new Date().toISOString(),
        consumer_consent: { method: 'sms', reference: 'SMS-1' },
      },
    })
    await enterprise({
      method: 'POST',
      url: `/v1/disputes/${direct.id}/outcome`,
      payload: { result: 'fulfilled', summary: '已道歉。' },
    })
    await database.db
      .updateTable('disputes')
      .set({ resolution_ms: 2 * 86_400_000 })
      .where('id', '=', direct.id)
      .execute()
    const stats = await regulator({ method: 'GET', url: '/v1/stats' })
    t.same(
      stats.json().data[0].avg_days_to_resolution,
      { direct: 2, mediated: 10 },
      'settled directly in 2 days, through mediation in 10',
    )
  },
)

t.test(`a unit holding an escalated dispute records its mediation (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const regulator = as(app, regulatorToken)
  const station = await addUnit(app, regulatorToken, { name: '卢沟桥市场监管所', kind: 'station' })
  const other = await addUnit(app, regulatorToken, { name: '新村市场监管所', kind: 'station' })
  const shop = await enrolEnterprise(app, regulatorToken, '北京某便利店')
  const dispute = await intakeDispute(app, regulatorToken, shop.id)
  await as(
    app,
    shop.token,
  )({ method: 'POST', url: `/v1/disputes/${dispute.id}/decline`, payload: { reason: 'other' } })
  await regulator({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/assign`,
    payload: { unit_id: station.id },
  })
  const unit = as(app, station.client.token)
  await unit({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept`, payload: {} })
  await unit({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/outcome`,
    payload: { result: 'not_settled', summary: '现场协调未果。' },
  })
  const session = {
    held_at: new Date(Date.now() - 60_000).toISOString(),
    method: 'phone',
    participants: [{ role: 'consumer', name: '王芳' }],
    summary: '电话调解，消费者同意更换商品。',
  }
  const byOtherUnit = await as(
    app,
    other.client.token,
  )({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/mediation-records`,
    payload: session,
  })
  t.equal(byOtherUnit.statusCode, 404, 'another unit does not see the dispute')
  const recorded = await unit({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/mediation-records`,
    payload: session,
  })
  t.equal(recorded.statusCode, 201, recorded.body)
  t.equal(recorded.json().agreement, null)
})
