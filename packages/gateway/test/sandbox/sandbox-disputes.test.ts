import t from 'tap'
import type { Config } from '../../src/config.js'
import { seedDemo } from '../../src/demo/seed.js'
import { OffsetClock } from '../../src/domain/clock.js'
import { problemTypes } from '../../src/schemas/disputes.js'
import { deadlinePolicyFrom } from '../../src/services/disputes/deadline-policy.js'
import { generatedComplaint, templatesByProblemType } from '../../src/services/sandbox/complaints.js'
import { answerAsSimulatedConsumer } from '../../src/services/sandbox/consumer.js'
import { testApp, testConfig } from '../helpers/app.js'
import { requestLink, settledDispute } from '../helpers/confirmation.js'
import { freshDatabase } from '../helpers/database.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const backend = process.env.HEJIE_TEST_DB ?? 'sqlite'
const CJK = /[\u4e00-\u9fff]/

async function sandbox(t: { teardown(fn: () => unknown): void }, config: Partial<Config> = {}) {
  const database = await freshDatabase(t, { clock: new OffsetClock() })
  const { app } = await testApp(t, { database, config: { sandbox: true, ...config } })
  return { app, database }
}

t.test('the generator has complaints of each of the ten problem types, written in Chinese', async (t) => {
  t.same([...templatesByProblemType().keys()].sort(), [...problemTypes].sort())
  let n = 0
  const cycle = () => {
    n += 0.37
    return n % 1
  }
  const body = generatedComplaint(
    new Date(),
    { business: { name: '某某水果摊', address: '北京市丰台区' } },
    'SBX-1',
    cycle,
  )
  t.match(body.claim.description, CJK)
  t.match(body.consumer.name, CJK)
  t.match(body.consumer.phone, /^1\d{10}$/)
  t.ok(body.category && CJK.test(body.category))
})

t.test(
  `without an enterprise, generated complaints go through the dispatcher of the demo city, each marked sandbox (${backend})`,
  async (t) => {
    const { app, database } = await sandbox(t)
    const demo = await seedDemo(database, deadlinePolicyFrom(testConfig()))
    const regulator = await accessToken(app, demo.regulator)
    const res = await as(
      app,
      regulator,
    )({ method: 'POST', url: '/v1/sandbox/disputes', payload: { count: 24 } })
    t.equal(res.statusCode, 201, res.body)
    const made = res.json()
    t.match(made, { object: 'list', sandbox: true })
    t.equal(made.data.length, 24)
    for (const dispute of made.data) {
      t.equal(dispute.sandbox, true)
      t.match(dispute.claim.description, CJK)
      t.ok((problemTypes as readonly string[]).includes(dispute.problem_type))
    }
    t.equal(
      new Set(made.data.map((d: { external_ref: string }) => d.external_ref)).size,
      24,
      'every ticket is its own',
    )
    const paths = new Set(made.data.map((d: { routing: { matched_by: string } }) => d.routing.matched_by))
    t.ok(paths.has('uscc'), `an ODR enterprise found by its credit code (paths: ${[...paths].join(', ')})`)
    t.ok(paths.size >= 2, 'and at least one other dispatch path')

    const one = await as(app, regulator)({ url: `/v1/disputes/${made.data[0].id}` })
    t.equal(one.json().sandbox, true, 'the mark stays on the dispute')
    const ordinary = await as(app, regulator)({ url: '/v1/disputes?limit=100' })
    const unmarked = ordinary.json().data.filter((d: { sandbox?: boolean }) => d.sandbox === undefined)
    t.ok(unmarked.length > 0, 'the demo’s own disputes carry no mark')
  },
)

t.test(
  `with an enterprise, every generated complaint goes to it; bad requests change nothing (${backend})`,
  async (t) => {
    const { app, database } = await sandbox(t)
    const regulator = await accessToken(app, await regulatorCredentials(database))
    const video = await enrolEnterprise(app, regulator, '北京爱看视频科技有限公司')
    const res = await as(
      app,
      regulator,
    )({
      method: 'POST',
      url: '/v1/sandbox/disputes',
      payload: { enterprise_id: video.id, count: 3, scenario: 'no_answer' },
    })
    t.equal(res.statusCode, 201, res.body)
    for (const dispute of res.json().data)
      t.match(dispute, { enterprise_id: video.id, routing: { matched_by: 'explicit' } })
    const mine = await as(app, video.token)({ url: '/v1/disputes' })
    t.equal(mine.json().data.length, 3, 'the enterprise sees them in its queue')

    for (const payload of [
      { count: 0 },
      { count: 51 },
      { count: 2, scenario: 'angry' },
      { count: 1, extra: true },
    ]) {
      const bad = await as(app, regulator)({ method: 'POST', url: '/v1/sandbox/disputes', payload })
      t.equal(bad.statusCode, 400, JSON.stringify(payload))
    }
    const unknown = await as(
      app,
      regulator,
    )({
      method: 'POST',
      url: '/v1/sandbox/disputes',
      payload: { enterprise_id: 'ent_nobody', count: 2 },
    })
    t.equal(unknown.statusCode, 422)
    t.equal(unknown.json().code, 'enterprise_not_active')
    const forbidden = await as(
      app,
      video.token,
    )({ method: 'POST', url: '/v1/sandbox/disputes', payload: { count: 1 } })
    t.equal(forbidden.statusCode, 403, 'enterprises do not take complaints in')
    const count = await database.db
      .selectFrom('disputes')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    t.equal(Number(count.n), 3)
  },
)

t.test(
  `the simulated consumer answers a confirmation request as its scenario says, and only for generated disputes (${backend})`,
  async (t) => {
    const { app, database } = await sandbox(t)
    const regulator = await accessToken(app, await regulatorCredentials(database))
    const video = await enrolEnterprise(app, regulator, '北京爱看视频科技有限公司')
    const scenarios = ['dissatisfied', 'basically_satisfied', 'no_answer'] as const
    const generated = []
    for (const scenario of scenarios) {
      const res = await as(
        app,
        regulator,
      )({
        method: 'POST',
        url: '/v1/sandbox/disputes',
        payload: { enterprise_id: video.id, count: 1, scenario },
      })
      generated.push(res.json().data[0])
    }
    const enterprise = as(app, video.token)
    for (const dispute of generated) {
      t.equal(
        (await enterprise({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept`, payload: {} }))
          .statusCode,
        200,
      )
      const settled = await enterprise({
        method: 'POST',
        url: `/v1/disputes/${dispute.id}/settlements`,
        payload: {
          remedy: 'refund',
          amount: { amount: 2700, currency: 'CNY' },
          terms: '退还会员剩余费用 27 元。',
          agreed_at: database.clock.now().toISOString(),
          consumer_consent: { method: 'phone_recording', reference: 'REC-1' },
        },
      })
      t.equal(settled.statusCode, 201, settled.body)
      await requestLink(app, video.token, dispute.id)
    }
    const { dispute: ordinary } = await settledDispute(app, regulator, video)
    await requestLink(app, video.token, ordinary.id)

    t.equal(await answerAsSimulatedConsumer(database), 2, 'two scenarios answer, one never does')
    t.equal(await answerAsSimulatedConsumer(database), 0, 'an answered request is not answered again')

    const answerOf = async (id: string) =>
      (await as(app, regulator)({ url: `/v1/disputes/${id}` })).json().settlement?.consumer_confirmation ??
      null
    t.match(await answerOf(generated[0].id), { decision: 'rejected', rating: 'dissatisfied', comment: CJK })
    t.match(await answerOf(generated[1].id), { decision: 'confirmed', rating: 'basically_satisfied' })
    t.equal(await answerOf(generated[2].id), null, 'no_answer leaves the link open')
    t.equal(await answerOf(ordinary.id), null, 'a real consumer’s link is never answered for them')

    const feed = await as(app, video.token)({ url: '/v1/events?limit=100' })
    const types = feed.json().data.map((event: { type: string }) => event.type)
    t.ok(types.includes('settlement.rejected'))
    t.ok(types.includes('settlement.confirmed'))
  },
)

t.test(`outside sandbox mode, generating complaints is not found (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const regulator = await accessToken(app, await regulatorCredentials(database))
  const res = await as(app, regulator)({ method: 'POST', url: '/v1/sandbox/disputes', payload: { count: 1 } })
  t.equal(res.statusCode, 404)
})
