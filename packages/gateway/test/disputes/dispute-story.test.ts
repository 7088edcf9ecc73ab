import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute, settlementOf2700 } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

t.test(`a video membership complaint from the 12315 hotline is settled directly (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const regulator = as(app, regulatorToken)
  const company = await enrolEnterprise(app, regulatorToken, '北京爱看视频科技有限公司')
  const enterprise = as(app, company.token)

  const assigned = await intakeDispute(app, regulatorToken, company.id)
  t.match(assigned, {
    object: 'dispute',
    status: 'assigned',
    enterprise_id: company.id,
    channel: 'hotline_12315',
    consumer: { name: '张伟', phone: '13812341234' },
    overdue: false,
    version: 1,
  })
  t.ok(assigned.respond_by > assigned.assigned_at, 'a deadline is set')
  const id = assigned.id

  const seen = await enterprise({ url: `/v1/disputes/${id}` })
  t.equal(seen.headers.etag, '"1"')
  t.same(seen.json().allowed_actions, ['accept', 'decline', 'contacts'])
  t.same(seen.json().consumer, { name: '张伟', phone: '13812341234' }, 'the enterprise can call the consumer')

  const accepted = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/accept`,
    headers: { 'if-match': '"1"' },
  })
  t.equal(accepted.statusCode, 200)
  t.match(accepted.json(), { status: 'in_progress', version: 2 })
  t.equal(accepted.headers.etag, '"2"')

  const contact = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/contacts`,
    payload: {
      channel: 'phone',
      contacted_at: new Date().toISOString(),
      reached: true,
      summary: 'Consumer agrees to a refund of the unused part.',
    },
  })
  t.equal(contact.statusCode, 201)
  t.match(contact.json(), { object: 'contact', id: /^ctc_/, reached: true })

  const settlement = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/settlements`,
    payload: settlementOf2700,
  })
  t.equal(settlement.statusCode, 201)
  t.match(settlement.json(), {
    object: 'settlement',
    id: /^stl_/,
    remedy: 'partial_refund',
    amount: { amount: 2700, currency: 'CNY' },
    consumer_consent: { method: 'phone_recording', reference: 'REC-20261128-0042' },
  })

  const refund = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/refunds`,
    payload: {
      amount: { amount: 2700, currency: 'CNY' },
      method: 'original_payment',
      reference: 'RF-99120001',
      refunded_at: new Date().toISOString(),
    },
  })
  t.equal(refund.statusCode, 201)
  t.match(refund.json(), {
    object: 'refund',
    id: /^rfd_/,
    amount: { amount: 2700, currency: 'CNY' },
    settlement_id: settlement.json().id,
  })

  const closed = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/outcome`,
    payload: { result: 'fulfilled', summary: 'Refunded 27.00 yuan to the original payment.' },
  })
  t.equal(closed.statusCode, 200)
  t.match(closed.json(), {
    status: 'closed',
    resolution: 'settled',
    refunded: { amount: 2700, currency: 'CNY' },
    settlement: { id: settlement.json().id },
    outcome: { result: 'fulfilled' },
    consumer: { name: '张*', phone: '138****1234' },
    allowed_actions: [],
  })
  t.type(closed.json().closed_at, 'string')

  const feedback = await regulator({
    method: 'POST',
    url: `/v1/disputes/${id}/feedback`,
    payload: {
      resolved: true,
      satisfaction: 'satisfied',
      note: '回访: consumer confirms the refund arrived.',
    },
  })
  t.equal(feedback.statusCode, 201)
  t.match(feedback.json(), { object: 'feedback', resolved: true, satisfaction: 'satisfied' })

  const final = (await regulator({ url: `/v1/disputes/${id}` })).json()
  t.match(final, {
    status: 'closed',
    feedback: { satisfaction: 'satisfied' },
    consumer: { name: '张伟' },
    version: 7,
  })

  const timeline = (await regulator({ url: `/v1/disputes/${id}/timeline` })).json()
  t.same(
    timeline.data.map((entry: { action: string }) => entry.action),
    [
      'dispute.created',
      'dispute.accepted',
      'contact.recorded',
      'settlement.recorded',
      'refund.recorded',
      'dispute.outcome_reported',
      'feedback.recorded',
    ],
  )
  t.match(timeline.data[1], { actor: { role: 'enterprise', enterprise_id: company.id }, object_id: id })
  t.match(timeline.data[4], { details: { amount: { amount: 2700 }, reference: 'RF-99120001' } })
  const enterpriseTimeline = (await enterprise({ url: `/v1/disputes/${id}/timeline` })).json()
  t.equal(enterpriseTimeline.data.length, 7, 'the enterprise sees the timeline of its dispute')

  const logged = await database.db
    .selectFrom('audit_entries')
    .select('canonical')
    .where('dispute_id', '=', id)
    .orderBy('leaf_index')
    .execute()
  t.equal(logged.length, 7, 'each step is an audit entry')
  const entries = logged.map((row) => Buffer.from(row.canonical).toString())
  t.notOk(
    entries.some((entry) => entry.includes('张伟') || entry.includes('13812341234')),
    'no personal data in the log',
  )
  t.match(JSON.parse(entries[0] ?? '{}'), { personal_data_commitment: /^[0-9a-f]{64}$/ })

  const events = await database.db
    .selectFrom('events')
    .select(['type', 'data'])
    .where('dispute_id', '=', id)
    .orderBy('sequence')
    .execute()
  t.same(
    events.map((event) => event.type),
    [
      'dispute.assigned',
      'dispute.updated',
      'dispute.updated',
      'settlement.recorded',
      'refund.recorded',
      'dispute.closed',
      'dispute.updated',
    ],
  )
  t.notOk(
    events.some((event) => event.data.includes('13812341234')),
    'no personal data in events',
  )
})
