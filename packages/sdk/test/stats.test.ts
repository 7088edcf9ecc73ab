import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { BadRequestError, NotFoundError, type StatsGroup } from '../src/index.js'
import { complaint, enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'

t.test(
  `stats.retrieve reads the regulator's indicators, and an enterprise its own (${backend})`,
  async (t) => {
    const { baseUrl, regulator } = await gatewayWithRegulator(t)
    const from = new Date(Date.now() - 60_000).toISOString()
    const video = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
    const shop = await enrolEnterprise(regulator, '北京优品电商有限公司')
    const enterprise = sdkClient(t, baseUrl, video.credentials)

    // Settled in time with a refund and a callback; declined; and one still waiting at the shop.
    const settled = await regulator.disputes.create(complaint(video.enterprise.id))
    await enterprise.disputes.accept(settled.id)
    await enterprise.disputes.recordContact(settled.id, {
      channel: 'phone',
      contacted_at: new Date().toISOString(),
      reached: true,
      summary: 'Consumer agrees to a refund of the unused part.',
    })
    await enterprise.disputes.recordSettlement(settled.id, {
      remedy: 'partial_refund',
      amount: { amount: 2700, currency: 'CNY' },
      terms: 'Refund of the unused 27.00 yuan of the annual video membership.',
      agreed_at: new Date().toISOString(),
      consumer_consent: { method: 'phone_recording', reference: 'REC-20261128-0042' },
    })
    await enterprise.disputes.recordRefund(settled.id, {
      amount: { amount: 2700, currency: 'CNY' },
      method: 'original_payment',
      reference: 'RF-99120001',
      refunded_at: new Date().toISOString(),
    })
    await enterprise.disputes.reportOutcome(settled.id, {
      result: 'fulfilled',
      summary: 'Refunded 27.00 yuan.',
    })
    await regulator.disputes.recordFeedback(settled.id, {
      resolved: true,
      satisfaction: 'basically_satisfied',
    })
    const declined = await regulator.disputes.create(complaint(video.enterprise.id))
    await enterprise.disputes.decline(declined.id, { reason: 'not_responsible' })
    await regulator.disputes.create(complaint(shop.enterprise.id))
    const to = new Date(Date.now() + 60_000).toISOString()

    const totals = await regulator.stats.retrieve({ from, to })
    t.match(totals, { object: 'stats', from, to, group_by: null })
    t.strictSame(totals.data, [
      {
        group: null,
        received: 3,
        accepted: 1,
        settled: 1,
        escalated: 0,
        returned: 1,
        withdrawn: 0,
        overdue: 0,
        settlement_rate: 0.5,
        on_time_rate: 1,
        response_rate: 1 / 3,
        satisfaction_rate: 1,
        resolution_rate: 1,
        avg_handling_hours: 0,
        avg_days_to_resolution: { direct: 0, mediated: null },
        urged: 0,
        consumer_confirmed_rate: null,
        consumer_satisfaction_rate: null,
        refunded: { amount: 2700, currency: 'CNY' },
      },
    ] satisfies StatsGroup[])

    const perEnterprise = await regulator.stats.retrieve({ from, to, group_by: 'enterprise' })
    const received = Object.fromEntries(perEnterprise.data.map((group) => [group.group, group.received]))
    t.strictSame(received, { [video.enterprise.id]: 2, [shop.enterprise.id]: 1 })
    const waiting = perEnterprise.data.find((group) => group.group === shop.enterprise.id)
    t.match(waiting, { settlement_rate: null, on_time_rate: null, response_rate: 0, satisfaction_rate: null })

    const own = await enterprise.stats.retrieve({ from, to })
    t.match(own.data, [{ group: null, received: 2, settled: 1, returned: 1, refunded: { amount: 2700 } }])
    await t.rejects(
      enterprise.stats.retrieve({ enterprise_id: shop.enterprise.id }),
      NotFoundError,
      'not another’s',
    )
    await t.rejects(enterprise.stats.retrieve({ enterprise_id: shop.enterprise.id }), {
      code: 'not_found',
      status: 404,
    })
  },
)

t.test('stats.retrieve turns bad parameters into a BadRequestError with the problem code', async (t) => {
  const { regulator } = await gatewayWithRegulator(t)
  await t.rejects(
    regulator.stats.retrieve({ from: '2026-02-01T00:00:00+08:00', to: '2026-01-01T00:00:00+08:00' }),
    {
      constructor: BadRequestError,
      code: 'validation_failed',
      status: 400,
    },
  )
  await t.rejects(
    // @ts-expect-error group_by is typed from the spec: enterprise, problem_type or month
    regulator.stats.retrieve({ group_by: 'week' }),
    { constructor: BadRequestError, code: 'validation_failed' },
  )
  const empty = await regulator.stats.retrieve()
  t.equal(empty.data.length, 1, 'without parameters: the totals, since the first dispute until now')
  t.equal(empty.from, null)
})
