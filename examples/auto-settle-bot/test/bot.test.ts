import { join } from 'node:path'
import { ConflictError, type Dispute, Hejie, type Money } from '@hejie/sdk'
import t, { type Test } from 'tap'
import { Agent } from 'undici'
import { OffsetClock } from '../../../packages/gateway/src/domain/clock.js'
import { answerAsSimulatedConsumer } from '../../../packages/gateway/src/services/sandbox/consumer.js'
import { backend, freshDatabase } from '../../../packages/gateway/test/helpers/database.js'
import {
  type Credentials,
  enrolEnterprise,
  gatewayWithRegulator,
} from '../../../packages/sdk/test/helpers/gateway.js'
import {
  defaultPolicy,
  fileStateStore,
  idempotencyKey,
  type PassOptions,
  type ReportLine,
  refundReference,
  runPass,
} from '../src/bot.js'

/**
 * The sandbox's generator draws every choice from `Math.random`: the template first (one of
 * twenty, two per problem type), then the amount within the template's range. Holding it at
 * one value while the gateway (in this process) generates picks the complaint:
 */
const draws = {
  /** contract, 视频会员, refund: 68 元 (6800 fen). */
  membership: 0.2,
  /** the same, 70 元 and 74 元. */
  membership70: 0.21,
  membership74: 0.225,
  /** after_sales, 洗衣机维修, repair and refund: 195 元 (19500 fen). */
  washer: 0.1,
  /** contract, 健身卡, refund: 2715 元, over the limit. */
  gym: 0.27,
  /** food_safety, 外卖, refund and compensation: 443 元. */
  takeaway: 0.42,
  /** quality, 运动鞋, return and refund: 330 元. */
  shoes: 0.05,
}

type Scenario = 'satisfied' | 'basically_satisfied' | 'dissatisfied' | 'no_answer'

/** An SDK client from `@hejie/sdk`, as the bot's own process has, on a connection pool of its own. */
function client(t: Test, baseUrl: string, credentials: Credentials): Hejie {
  const dispatcher = new Agent()
  t.teardown(() => dispatcher.destroy())
  return new Hejie({ baseUrl, ...credentials, dispatcher })
}

/** A sandbox gateway with one enterprise, the bot's client, a person's client at its desk, and the bot's state file. */
async function sandbox(t: Test) {
  const database = await freshDatabase(t, { clock: new OffsetClock() })
  const { baseUrl, regulator } = await gatewayWithRegulator(t, { database, config: { sandbox: true } })
  const company = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
  const bot = client(t, baseUrl, company.credentials)
  const desk = await regulator.clients.createForEnterprise(company.enterprise.id, { name: '客服 王芳' })
  const person = client(t, baseUrl, { clientId: desk.client_id, clientSecret: desk.client_secret ?? '' })
  const dir = t.testdir()
  const store = fileStateStore(join(dir, 'auto-settle.json'))

  /** POST /v1/sandbox/disputes for the company, the complaint picked by `draw`. */
  async function generate(draw: number, scenario: Scenario = 'satisfied'): Promise<Dispute> {
    const random = Math.random
    Math.random = () => draw
    try {
      const made = await regulator.post('/v1/sandbox/disputes', {
        body: { enterprise_id: company.enterprise.id, count: 1, scenario },
      })
      return made.data[0] as Dispute
    } finally {
      Math.random = random
    }
  }
  const pass = (options: Partial<PassOptions> = {}) =>
    runPass(bot, { store, log: () => undefined, ...options })
  return { database, regulator, bot, person, personId: desk.client_id, dir, store, generate, pass }
}

const results = (report: ReportLine[]) =>
  Object.fromEntries(
    report.map((line) => [line.dispute, line.reason ? `${line.result}: ${line.reason}` : line.result]),
  )

async function actions(hejie: Hejie, id: string) {
  const list: string[] = []
  for await (const entry of hejie.disputes.timeline(id)) list.push(`${entry.action} ${entry.actor.client_id}`)
  return list
}

async function refundsOf(hejie: Hejie, id: string) {
  const list = []
  for await (const refund of hejie.disputes.refunds(id)) list.push(refund)
  return list
}

const cny = (amount: number): Money => ({ amount, currency: 'CNY' })

t.test(
  `small after-sales and membership claims are settled, refunded and, once the consumer confirms, reported fulfilled (${backend})`,
  async (t) => {
    const { database, bot, store, generate, pass } = await sandbox(t)
    const membership = await generate(draws.membership, 'satisfied')
    const washer = await generate(draws.washer, 'basically_satisfied')
    t.match(membership, { problem_type: 'contract', claim: { demands: ['refund'], amount: cny(6800) } })
    t.match(washer, {
      problem_type: 'after_sales',
      claim: { demands: ['repair', 'refund'], amount: cny(19500) },
    })

    const first = await pass()
    t.same(results(first), { [membership.id]: 'awaiting_consumer', [washer.id]: 'awaiting_consumer' })
    for (const [dispute, amount] of [
      [membership, 6800],
      [washer, 19500],
    ] as const) {
      t.match(await bot.disputes.retrieve(dispute.id), {
        status: 'settled',
        settlement: { remedy: 'refund', amount: cny(amount), terms: /全额退款/, consumer_confirmation: null },
        refunded: cny(amount),
      })
      t.match(await refundsOf(bot, dispute.id), [
        { amount: cny(amount), reference: refundReference(dispute.id) },
      ])
    }
    t.match(await store.load(), { budget: { spentFen: 26300 } })

    t.equal(await answerAsSimulatedConsumer(database), 2, 'both consumers confirm')
    const second = await pass()
    t.same(results(second), { [membership.id]: 'fulfilled', [washer.id]: 'fulfilled' })
    const me = (await bot.me()).client_id
    for (const dispute of [membership, washer]) {
      t.match(await bot.disputes.retrieve(dispute.id), {
        status: 'closed',
        resolution: 'settled',
        outcome: { result: 'fulfilled' },
      })
      const bots = (await actions(bot, dispute.id)).filter((line) => line.endsWith(me))
      t.same(bots, [
        `dispute.accepted ${me}`,
        `contact.recorded ${me}`,
        `settlement.recorded ${me}`,
        `refund.recorded ${me}`,
        `confirmation.requested ${me}`,
        `dispute.outcome_reported ${me}`,
      ])
    }
    t.same(await pass(), [], 'a third pass has nothing to do')
  },
)

t.test(
  `a claim over the limit, of another kind or urged by the regulator is left assigned to people, with its reason (${backend})`,
  async (t) => {
    const { regulator, bot, store, generate, pass } = await sandbox(t)
    const gym = await generate(draws.gym)
    const takeaway = await generate(draws.takeaway)
    const shoes = await generate(draws.shoes)
    const urged = await generate(draws.membership)
    t.match(gym, { problem_type: 'contract', claim: { amount: cny(271500) } })
    t.match(takeaway, { problem_type: 'food_safety' })
    t.match(shoes, { problem_type: 'quality' })
    await regulator.disputes.urge(urged.id, { note: '请尽快联系消费者。' })
    const before = new Map<string, number>()
    for (const { id } of [gym, takeaway, shoes, urged])
      before.set(id, (await bot.disputes.retrieve(id)).version)

    const report = await pass()
    t.same(results(report), {
      [gym.id]: 'people: over_limit',
      [takeaway.id]: 'people: sensitive_problem_type',
      [shoes.id]: 'people: problem_type',
      [urged.id]: 'people: urged',
    })
    t.match(
      report.find((line) => line.dispute === gym.id)?.detail,
      'claim ¥2715.00 is over the limit of ¥200.00',
    )
    for (const [id, version] of before) {
      t.match(await bot.disputes.retrieve(id), { status: 'assigned', version }, 'untouched, still assigned')
    }
    t.match(await store.load(), { budget: { spentFen: 0 }, disputes: { [gym.id]: { reason: 'over_limit' } } })
    t.same(await pass(), [], 'a dispute handed to people is not judged again')
  },
)

t.test(`a consumer who rejects the settlement sends the dispute to people (${backend})`, async (t) => {
  const { database, bot, generate, pass } = await sandbox(t)
  const dispute = await generate(draws.membership, 'dissatisfied')
  t.same(results(await pass()), { [dispute.id]: 'awaiting_consumer' })
  t.equal(await answerAsSimulatedConsumer(database), 1)

  t.same(results(await pass()), { [dispute.id]: 'people: consumer_rejected' })
  t.match(await bot.disputes.retrieve(dispute.id), {
    status: 'settled',
    outcome: null,
    settlement: { consumer_confirmation: { decision: 'rejected', rating: 'dissatisfied' } },
  })
  t.same(await pass(), [], 'the bot does not come back to it')
})

t.test(
  `a dispute a person accepted meanwhile is skipped on 412 and not overwritten, and so is one a person touched after the bot took it (${backend})`,
  async (t) => {
    const { bot, person, personId, store, generate, pass } = await sandbox(t)
    const raced = await generate(draws.membership)
    const midway = await generate(draws.membership70)
    const later = await generate(draws.washer, 'no_answer')

    const report = await pass({
      // The person acts after the bot read the dispute and before its write.
      beforeWrite: async (step, dispute) => {
        if (dispute.id === raced.id && step === 'accept') {
          await person.disputes.accept(raced.id, { note: '我来处理。' })
        }
        if (dispute.id === midway.id && step === 'settlement') {
          await person.disputes.recordContact(midway.id, {
            channel: 'phone',
            contacted_at: new Date().toISOString(),
            reached: true,
            summary: '消费者要求换货，不要退款。',
          })
        }
      },
    })
    t.same(results(report), {
      [raced.id]: 'people: moved_by_person',
      [midway.id]: 'people: moved_by_person',
      [later.id]: 'awaiting_consumer',
    })
    t.match(report.find((line) => line.dispute === raced.id)?.detail, 'after the bot read version 1')
    t.same(
      (await actions(bot, raced.id)).slice(1),
      [`dispute.accepted ${personId}`],
      'only the person’s acceptance: the bot wrote nothing',
    )
    t.match(await bot.disputes.retrieve(raced.id), { status: 'in_progress', settlement: null })
    t.match(await bot.disputes.retrieve(midway.id), {
      status: 'in_progress',
      settlement: null,
      refunded: cny(0),
    })

    await person.disputes.recordContact(later.id, {
      channel: 'phone',
      contacted_at: new Date().toISOString(),
      reached: true,
      summary: '消费者来电，说退款没有到账。',
    })
    t.same(results(await pass()), { [later.id]: 'people: moved_by_person' })
    t.match(await store.load(), { budget: { spentFen: 7000 + 19500 } }, 'the raced one gave its budget back')
  },
)

t.test(
  `running the bot again, even after a crash between paying and recording, refunds nothing twice (${backend})`,
  async (t) => {
    const { bot, dir, store, generate, pass } = await sandbox(t)
    const dispute = await generate(draws.membership, 'no_answer')
    // The payment provider pays each reference once; the first call "crashes" the bot after paying.
    const paid = new Map<string, Money>()
    let asked = 0
    const pay = (reference: string, amount: Money) => {
      asked += 1
      if (!paid.has(reference)) paid.set(reference, amount)
      if (asked === 1) throw new Error('the process died after the payment provider took the refund')
    }

    t.same(results(await pass({ pay })), { [dispute.id]: 'failed' })
    t.match(await bot.disputes.retrieve(dispute.id), { status: 'settled', refunded: cny(0) })
    t.same(results(await pass({ pay })), { [dispute.id]: 'awaiting_consumer' })
    t.same(results(await pass({ pay })), { [dispute.id]: 'awaiting_consumer' })
    t.equal(asked, 2, 'asked again once, for the refund not yet recorded')
    t.same([...paid.keys()], [refundReference(dispute.id)], 'the provider paid one reference')
    const [refund, ...more] = await refundsOf(bot, dispute.id)
    t.same(more, [], 'Hejie has one refund')

    // The bot's refund sent again by hand: the same key is a replay, another key is a 409.
    const state = await store.load()
    const body = {
      amount: cny(6800),
      method: 'original_payment' as const,
      reference: refundReference(dispute.id),
      refunded_at: (state.disputes[dispute.id] as { decidedAt: string }).decidedAt,
    }
    const replayed = await bot.disputes.recordRefund(dispute.id, body, {
      idempotencyKey: idempotencyKey('refund', dispute.id),
    })
    t.equal(replayed.id, refund?.id, 'the same key answers the refund already recorded')
    await t.rejects(bot.disputes.recordRefund(dispute.id, body), ConflictError, 'the reference is taken')

    // A bot that lost its state file reads the feed from the start and leaves the dispute alone.
    const amnesiac = fileStateStore(join(dir, 'lost.json'))
    t.same(
      await runPass(bot, { store: amnesiac, pay, log: () => undefined }),
      [],
      'no longer assigned: not the bot’s',
    )
    t.equal((await refundsOf(bot, dispute.id)).length, 1)
    t.equal(asked, 2)
    t.match(await store.load(), { budget: { spentFen: 6800 } })
  },
)

t.test(
  `the daily budget stops automatic refunds once spent, and the next day has a budget of its own (${backend})`,
  async (t) => {
    const { regulator, store, generate, pass } = await sandbox(t)
    const policy = { ...defaultPolicy, dailyBudgetFen: 15_000 }
    const a = await generate(draws.membership)
    const b = await generate(draws.membership74)
    const c = await generate(draws.membership70)

    const report = await pass({ policy })
    t.same(results(report), {
      [a.id]: 'awaiting_consumer',
      [b.id]: 'awaiting_consumer',
      [c.id]: 'people: daily_budget',
    })
    t.match(report.find((line) => line.dispute === c.id)?.detail, 'claim ¥70.00, only ¥8.00 left')
    t.match(await store.load(), { budget: { spentFen: 6800 + 7400 } })

    await regulator.sandbox.clock.advance({ hours: 24 })
    const tomorrow = () => new Date(Date.now() + 24 * 3_600_000)
    const d = await generate(draws.membership70, 'no_answer')
    const next = await pass({ policy, now: tomorrow })
    t.same(results(next), {
      [a.id]: 'awaiting_consumer',
      [b.id]: 'awaiting_consumer',
      [d.id]: 'awaiting_consumer',
    })
    t.match(await store.load(), { budget: { spentFen: 7000 } })
  },
)
