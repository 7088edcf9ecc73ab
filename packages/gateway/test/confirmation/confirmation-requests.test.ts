import t from 'tap'
import { testApp } from '../helpers/app.js'
import { PageVisitor, requestLink, settledDispute } from '../helpers/confirmation.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const publicUrl = 'https://odr.example.gov.cn'

async function setUp(t: { teardown(fn: () => unknown): void }) {
  const { app, database } = await testApp(t, { config: { publicUrl } })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const shop = await enrolEnterprise(app, regulatorToken, '北京某视频科技有限责任公司')
  return {
    app,
    database,
    regulatorToken,
    shop,
    regulator: as(app, regulatorToken),
    enterprise: as(app, shop.token),
  }
}

t.test(
  `the assignee asks the consumer and gets a one-time link under the public URL and a code (${backend})`,
  async (t) => {
    const { app, regulatorToken, shop, enterprise } = await setUp(t)
    const { dispute, settlement } = await settledDispute(app, regulatorToken, shop)

    const res = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/confirmation-requests`,
      headers: { host: 'evil.example.com', 'idempotency-key': 'ask-1' },
    })
    t.equal(res.statusCode, 201, res.body)
    const body = res.json()
    t.match(body, { object: 'confirmation_request', dispute_id: dispute.id, settlement_id: settlement.id })
    t.match(body.id, /^cfr_/)
    t.match(
      body.url,
      /^https:\/\/odr\.example\.gov\.cn\/c\/[A-Za-z0-9_-]{22}$/,
      'built from HEJIE_PUBLIC_URL, not Host',
    )
    t.match(body.code, /^\d{6}$/)
    t.ok(Date.parse(body.expires_at) - Date.now() > 6.9 * 86_400_000, 'open for seven days by default')

    const replay = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/confirmation-requests`,
      headers: { 'idempotency-key': 'ask-1' },
    })
    t.equal(replay.headers['idempotent-replayed'], 'true')
    t.equal(replay.json().url, body.url, 'a replay answers the same link')
    t.notOk('code' in replay.json(), 'but never the code, which no stored copy keeps')

    const events = await enterprise({ method: 'GET', url: '/v1/events?types=confirmation.requested' })
    const event = events.json().data[0]
    t.equal(event.type, 'confirmation.requested')
    t.equal(event.data.object.url, body.url, 'the event carries the link for an SMS gateway')
    t.notOk('code' in event.data.object, 'and not the code')

    const timeline = await enterprise({ method: 'GET', url: `/v1/disputes/${dispute.id}/timeline` })
    const entry = timeline.json().data.find((e: { action: string }) => e.action === 'confirmation.requested')
    t.ok(entry, 'the request is on the timeline')
    t.notMatch(
      JSON.stringify(timeline.json()),
      body.url.split('/c/')[1],
      'the timeline never holds the token',
    )
  },
)

t.test(`a regulator may ask too; another enterprise may not see the dispute (${backend})`, async (t) => {
  const { app, regulatorToken, shop, regulator } = await setUp(t)
  const { dispute } = await settledDispute(app, regulatorToken, shop)
  const other = await enrolEnterprise(app, regulatorToken, '上海某电器有限公司')
  const asked = await regulator({ method: 'POST', url: `/v1/disputes/${dispute.id}/confirmation-requests` })
  t.equal(asked.statusCode, 201, asked.body)
  const stranger = await as(
    app,
    other.token,
  )({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/confirmation-requests`,
  })
  t.equal(stranger.statusCode, 404)
  t.equal(stranger.json().code, 'not_found')
})

t.test(
  `a dispute without a settlement cannot be confirmed and nothing is written (${backend})`,
  async (t) => {
    const { app, regulatorToken, shop, enterprise, database } = await setUp(t)
    const dispute = await intakeDispute(app, regulatorToken, shop.id)
    const res = await enterprise({ method: 'POST', url: `/v1/disputes/${dispute.id}/confirmation-requests` })
    t.equal(res.statusCode, 409)
    t.match(res.json(), { code: 'no_settlement', current_status: 'assigned' })
    const rows = await database.db.selectFrom('confirmation_requests').selectAll().execute()
    t.equal(rows.length, 0)
    const withBody = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/confirmation-requests`,
      payload: { phone: '13800138000' },
    })
    t.equal(withBody.statusCode, 400, 'unknown body properties are refused')
    t.equal(withBody.json().code, 'validation_failed')
  },
)

t.test(
  `the consumer confirms: the settlement records it, the events tell the enterprise and the regulator, the stats count it, and feedback stays empty (${backend})`,
  async (t) => {
    const { app, regulatorToken, shop, regulator, enterprise } = await setUp(t)
    const { dispute } = await settledDispute(app, regulatorToken, shop)
    const rejectedOne = await settledDispute(app, regulatorToken, shop)
    const before = (await regulator({ method: 'GET', url: '/v1/stats' })).json().data[0]
    t.equal(before.consumer_confirmed_rate, null, 'no answers yet: no rate')
    t.equal(before.consumer_satisfaction_rate, null)

    const link = await requestLink(app, shop.token, dispute.id)
    const visitor = new PageVisitor(app, link.path)
    t.equal((await visitor.open()).statusCode, 200)
    t.equal((await visitor.enterCode(link.code)).statusCode, 200)
    const done = await visitor.decide('confirmed', 'basically_satisfied', '退款已收到，谢谢。')
    t.equal(done.statusCode, 200, done.body)
    t.match(done.body, /您已确认和解结果/)

    const after = await enterprise({ method: 'GET', url: `/v1/disputes/${dispute.id}` })
    t.match(after.json(), {
      status: 'settled',
      feedback: null,
      settlement: {
        consumer_confirmation: {
          decision: 'confirmed',
          rating: 'basically_satisfied',
          comment: '退款已收到，谢谢。',
        },
      },
    })
    t.equal(after.json().version, dispute.version + 3, 'accept, settlement, and the answer each a version')
    const settlements = await enterprise({ method: 'GET', url: `/v1/events?types=settlement.confirmed` })
    t.equal(settlements.json().data.length, 1, "settlement.confirmed is in the enterprise's feed")
    const regulatorFeed = await regulator({ method: 'GET', url: `/v1/events?types=settlement.confirmed` })
    t.equal(regulatorFeed.json().data.length, 1, 'and in the regulator’s')

    const second = await requestLink(app, regulatorToken, rejectedOne.dispute.id)
    const another = new PageVisitor(app, second.path)
    await another.open()
    await another.enterCode(second.code)
    const rejected = await another.decide('rejected', 'dissatisfied')
    t.equal(rejected.statusCode, 200, rejected.body)
    const stillSettled = await enterprise({ method: 'GET', url: `/v1/disputes/${rejectedOne.dispute.id}` })
    t.equal(stillSettled.json().status, 'settled', 'a rejection leaves the dispute settled')
    const rejections = await regulator({ method: 'GET', url: '/v1/events?types=settlement.rejected' })
    t.equal(rejections.json().data.length, 1, 'the regulator is told of the rejection')
    t.equal(rejections.json().data[0].data.object.consumer_confirmation.decision, 'rejected')

    const stats = (await regulator({ method: 'GET', url: '/v1/stats' })).json().data[0]
    t.equal(stats.consumer_confirmed_rate, 0.5, 'one confirmed of two answered')
    t.equal(stats.consumer_satisfaction_rate, 0.5, 'one basically satisfied of two answered')
    t.equal(stats.satisfaction_rate, null, 'the bureau’s own 回访 indicator is untouched')
    const own = (await enterprise({ method: 'GET', url: '/v1/stats' })).json().data[0]
    t.equal(own.consumer_confirmed_rate, 0.5, 'the enterprise sees its own')
    const csv = await regulator({ method: 'GET', url: '/v1/stats?format=csv&lang=en' })
    t.match(csv.body, /consumer_confirmed_rate,consumer_satisfaction_rate/)

    const again = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/confirmation-requests`,
    })
    t.equal(again.statusCode, 409)
    t.equal(again.json().code, 'consumer_already_answered', 'the answer is final')
  },
)

t.test(`a newer request voids the older link of the dispute (${backend})`, async (t) => {
  const { app, regulatorToken, shop } = await setUp(t)
  const { dispute } = await settledDispute(app, regulatorToken, shop)
  const first = await requestLink(app, shop.token, dispute.id)
  const second = await requestLink(app, shop.token, dispute.id)
  const old = await new PageVisitor(app, first.path).open()
  t.equal(old.statusCode, 410)
  t.match(old.body, /此链接已失效/)
  t.equal((await new PageVisitor(app, second.path).open()).statusCode, 200)
})
