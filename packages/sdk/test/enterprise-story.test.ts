import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { complaint, enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'

t.test(`an enterprise settles a dispute end to end through the SDK (${backend})`, async (t) => {
  const { baseUrl, regulator } = await gatewayWithRegulator(t)
  const company = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
  const intake = await regulator.disputes.create(complaint(company.enterprise.id))
  const enterprise = sdkClient(t, baseUrl, company.credentials)

  const assigned = []
  for await (const dispute of enterprise.disputes.list({ status: ['assigned'] })) assigned.push(dispute)
  t.same(
    assigned.map((dispute) => dispute.id),
    [intake.id],
    'the new dispute is the one waiting for the enterprise',
  )
  const dispute = assigned[0]!
  t.same(dispute.allowed_actions, ['accept', 'decline', 'contacts'])

  const accepted = await enterprise.disputes.accept(dispute.id, {}, { ifMatch: dispute.version })
  t.match(accepted, { status: 'in_progress', version: dispute.version + 1 })

  const contact = await enterprise.disputes.recordContact(dispute.id, {
    channel: 'phone',
    contacted_at: new Date().toISOString(),
    reached: true,
    summary: 'Consumer agrees to a refund of the unused part.',
  })
  t.match(contact, { object: 'contact', id: /^ctc_/, dispute_id: dispute.id, reached: true })

  const settlement = await enterprise.disputes.recordSettlement(dispute.id, {
    remedy: 'partial_refund',
    amount: { amount: 2700, currency: 'CNY' },
    terms: 'Refund of the unused 27.00 yuan of the annual video membership.',
    agreed_at: new Date().toISOString(),
    consumer_consent: { method: 'phone_recording', reference: 'REC-20261128-0042' },
  })
  t.match(settlement, {
    object: 'settlement',
    id: /^stl_/,
    remedy: 'partial_refund',
    amount: { amount: 2700 },
  })

  const refund = await enterprise.disputes.recordRefund(dispute.id, {
    amount: { amount: 2700, currency: 'CNY' },
    method: 'original_payment',
    reference: 'RF-99120001',
    refunded_at: new Date().toISOString(),
  })
  t.match(refund, { object: 'refund', id: /^rfd_/, settlement_id: settlement.id, amount: { amount: 2700 } })

  const closed = await enterprise.disputes.reportOutcome(dispute.id, {
    result: 'fulfilled',
    summary: 'Refunded 27.00 yuan to the original payment.',
  })
  t.match(closed, {
    status: 'closed',
    resolution: 'settled',
    refunded: { amount: 2700, currency: 'CNY' },
    outcome: { result: 'fulfilled' },
    consumer: { name: '张*', phone: '138****1234' },
    allowed_actions: [],
  })

  const actions = []
  for await (const entry of enterprise.disputes.timeline(dispute.id)) actions.push(entry.action)
  t.same(
    actions,
    [
      'dispute.created',
      'dispute.accepted',
      'contact.recorded',
      'settlement.recorded',
      'refund.recorded',
      'dispute.outcome_reported',
    ],
    'the timeline tells the story',
  )
  t.same((await enterprise.disputes.retrieve(dispute.id)).version, closed.version)
})
