import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type DisputeCreateParams, Hejie, type HejieOptions } from '@hejie/sdk'
import t, { type Test } from 'tap'
import { Agent } from 'undici'
import { backend } from '../../../packages/gateway/test/helpers/database.js'
import {
  type Credentials,
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
} from '../../../packages/sdk/test/helpers/gateway.js'
import {
  type CursorStore,
  DeskSetupError,
  fileCursorStore,
  followTheFeed,
  type Handlers,
  whoAmI,
  workTheQueue,
} from '../src/desk.js'
import { demoHandlers } from '../src/handlers.js'

/**
 * An enterprise client made from `@hejie/sdk`, the package the desk imports, as in a real
 * system (the helpers' `sdkClient` is built from the SDK's sources, whose error classes are
 * not the same objects), on a connection pool of its own.
 */
function deskClient(
  t: Test,
  baseUrl: string,
  credentials: Credentials,
  options: Omit<HejieOptions, 'baseUrl' | 'clientId' | 'clientSecret'> = {},
): Hejie {
  const dispatcher = options.dispatcher ?? new Agent()
  t.teardown(() => dispatcher.destroy())
  return new Hejie({ baseUrl, ...credentials, ...options, dispatcher })
}

function memoryCursor(): CursorStore & { value?: string } {
  const store: CursorStore & { value?: string } = {
    load: async () => store.value,
    save: async (cursor) => {
      store.value = cursor
    },
  }
  return store
}

/** The demo handlers, counting the refunds the payment system is asked for. */
function countingHandlers(): Handlers & { paid: string[] } {
  const demo = demoHandlers()
  const paid: string[] = []
  return {
    paid,
    decide: (dispute) => demo.decide(dispute),
    payRefund: (dispute, amount) => {
      paid.push(dispute.id)
      return demo.payRefund(dispute, amount)
    },
  }
}

async function refundsOf(hejie: Hejie, id: string) {
  const refunds = []
  for await (const entry of hejie.disputes.timeline(id)) {
    if (entry.action === 'refund.recorded') refunds.push(entry.details)
  }
  return refunds
}

/** A regulator, an enterprise with the desk's client, and the regulator's intake for it. */
async function setup(t: Test) {
  const { baseUrl, regulator } = await gatewayWithRegulator(t)
  const company = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
  const desk = deskClient(t, baseUrl, company.credentials)
  const route = (purchase?: DisputeCreateParams['purchase']) => {
    const params = complaint(company.enterprise.id)
    return regulator.disputes.create(purchase ? { ...params, purchase } : params)
  }
  return { baseUrl, regulator, company, desk, route }
}

t.test(
  `one pass settles the two membership complaints with their refunds and declines the one that is not the company's (${backend})`,
  async (t) => {
    const { desk, route } = await setup(t)
    const first = await route()
    const second = await route()
    const elsewhere = await route({ date: '2026-03-02', order_ref: 'TB-20260302-5521' })
    const handlers = countingHandlers()
    const logged: string[] = []
    const cursorStore = memoryCursor()

    const pass = await workTheQueue(desk, handlers, { cursorStore, log: (line) => logged.push(line) })

    t.same(
      pass.handled.map(({ dispute, result }) => [dispute, result]),
      [
        [elsewhere.id, 'declined'],
        [second.id, 'settled'],
        [first.id, 'settled'],
      ],
      'newest first, as the list comes',
    )
    t.same(
      new Set(pass.newAssignments),
      new Set([first.id, second.id, elsewhere.id]),
      'the feed saw all three',
    )
    t.equal(logged.length, 3, 'one line per dispute')
    t.match(logged[0], `${elsewhere.id} (ticket ${elsewhere.external_ref}): declined (not_responsible)`)
    t.match(logged[1], `settled, refunded ¥27.00 (RF-${second.id.slice(-12)}), closed`)

    for (const { id } of [first, second]) {
      t.match(await desk.disputes.retrieve(id), {
        status: 'closed',
        resolution: 'settled',
        settlement: { remedy: 'partial_refund', amount: { amount: 2700, currency: 'CNY' } },
        refunded: { amount: 2700, currency: 'CNY' },
        outcome: { result: 'fulfilled', summary: 'Refunded ¥27.00 to the original payment.' },
      })
      const actions = []
      for await (const entry of desk.disputes.timeline(id)) actions.push(entry.action)
      t.same(actions, [
        'dispute.created',
        'dispute.accepted',
        'contact.recorded',
        'settlement.recorded',
        'refund.recorded',
        'dispute.outcome_reported',
      ])
    }
    t.match(await desk.disputes.retrieve(elsewhere.id), { status: 'returned', refunded: { amount: 0 } })
    t.ok(cursorStore.value, 'the feed cursor is kept for the next run')

    const again = await workTheQueue(desk, handlers, { cursorStore, log: (line) => logged.push(line) })
    t.same(again, { newAssignments: [], handled: [] }, 'a second pass finds nothing to do')
    t.same(handlers.paid.sort(), [first.id, second.id].sort(), 'each refund paid once')
    for (const { id } of [first, second]) {
      t.match(await refundsOf(desk, id), [{ reference: `RF-${id.slice(-12)}` }])
      t.equal((await refundsOf(desk, id)).length, 1, 'and recorded once')
    }
  },
)

t.test(
  'a pass cut off after the refund leaves the dispute to the next pass, which closes it without paying or recording the refund again',
  async (t) => {
    const { baseUrl, company, desk, route } = await setup(t)
    const dispute = await route()
    const handlers = countingHandlers()
    const cursorStore = memoryCursor()

    // The connection fails on the outcome report, as if the process died right after the refund.
    let cut = false
    const flaky = deskClient(t, baseUrl, company.credentials, {
      maxRetries: 0,
      dispatcher: new Agent().compose((dispatch) => (options, handler) => {
        if (!cut && options.method === 'POST' && options.path.endsWith('/outcome')) {
          cut = true
          throw new Error('connection lost')
        }
        return dispatch(options, handler)
      }),
    })
    const interrupted = await workTheQueue(flaky, handlers, { cursorStore, log: () => {} })
    t.match(interrupted.handled, [{ dispute: dispute.id, result: 'failed', line: /left for the next pass/ }])
    t.match(await desk.disputes.retrieve(dispute.id), { status: 'settled', refunded: { amount: 2700 } })

    const resumed = await workTheQueue(desk, handlers, { cursorStore, log: () => {} })
    t.match(resumed.handled, [{ dispute: dispute.id, result: 'settled', line: /finished: settled, closed$/ }])
    t.match(await desk.disputes.retrieve(dispute.id), { status: 'closed', refunded: { amount: 2700 } })
    t.same(handlers.paid, [dispute.id], 'the payment system was asked once')
    t.equal((await refundsOf(desk, dispute.id)).length, 1, 'one refund on record')
  },
)

t.test(
  'a refund another pass records while this one pays is recorded once, and the dispute still closes',
  async (t) => {
    const { baseUrl, company, desk, route } = await setup(t)
    const dispute = await route()
    const other = deskClient(t, baseUrl, company.credentials)
    const demo = demoHandlers()
    const handlers: Handlers = {
      ...demo,
      // The payment system answers with the refund a racing pass already made and recorded.
      async payRefund(disputeToPay, amount) {
        const refund = await demo.payRefund(disputeToPay, amount)
        await other.disputes.recordRefund(disputeToPay.id, { ...refund, amount })
        return refund
      },
    }

    const pass = await workTheQueue(desk, handlers, { cursorStore: memoryCursor(), log: () => {} })

    t.match(pass.handled, [{ dispute: dispute.id, result: 'settled' }])
    t.match(await desk.disputes.retrieve(dispute.id), { status: 'closed', refunded: { amount: 2700 } })
    t.match(await refundsOf(desk, dispute.id), [{ reference: `RF-${dispute.id.slice(-12)}` }])
    t.equal((await refundsOf(desk, dispute.id)).length, 1)
  },
)

t.test(
  'a dispute a colleague accepts between the read and the accept is skipped, not failed, and left to the colleague',
  async (t) => {
    const { baseUrl, regulator, company, desk, route } = await setup(t)
    const colleagueClient = await regulator.clients.createForEnterprise(company.enterprise.id, {
      name: 'CRM agent console',
    })
    const colleague = deskClient(t, baseUrl, {
      clientId: colleagueClient.client_id,
      clientSecret: colleagueClient.client_secret ?? '',
    })
    const older = await route()
    const newer = await route()
    const demo = demoHandlers()
    const handlers: Handlers = {
      ...demo,
      // While the desk decides on the newer one, an agent takes the older one in the CRM.
      async decide(dispute) {
        if (dispute.id === newer.id) await colleague.disputes.accept(older.id)
        return demo.decide(dispute)
      },
    }
    const logged: string[] = []

    const pass = await workTheQueue(desk, handlers, {
      cursorStore: memoryCursor(),
      log: (line) => logged.push(line),
    })

    t.same(
      pass.handled.map(({ dispute, result }) => [dispute, result]),
      [
        [newer.id, 'settled'],
        [older.id, 'skipped'],
      ],
    )
    t.match(logged[1], /someone else moved it since it was read \(now in_progress, version \d+\): skipped$/)
    const taken = await desk.disputes.retrieve(older.id)
    t.match(taken, { status: 'in_progress', settlement: null, refunded: { amount: 0 } })

    const next = await workTheQueue(desk, handlers, { cursorStore: memoryCursor(), log: () => {} })
    t.same(next.handled, [], 'the next pass leaves the colleague’s dispute alone')
    t.equal((await desk.disputes.retrieve(older.id)).version, taken.version)
  },
)

t.test(
  'following the feed works a dispute assigned after the pass and keeps its place in the cursor file',
  async (t) => {
    const { desk, route } = await setup(t)
    const cursorFile = join(t.testdir(), 'cursor')
    const cursorStore = fileCursorStore(cursorFile)
    const logged: string[] = []
    const stop = new AbortController()
    const following = followTheFeed(desk, demoHandlers(), {
      cursorStore,
      signal: stop.signal,
      intervalMs: 50,
      log: (line) => logged.push(line),
    })

    await waitFor(() => logged.length > 0)
    t.same(logged, ['Nothing waiting; following the event feed.'])
    const dispute = await route()
    await waitFor(() => logged.length > 1)
    stop.abort()
    await following

    t.match(logged[1], `${dispute.id} (ticket ${dispute.external_ref}): settled, refunded ¥27.00`)
    t.match(await desk.disputes.retrieve(dispute.id), { status: 'closed', resolution: 'settled' })
    const saved = (await readFile(cursorFile, 'utf8')).trim()
    t.match(saved, /^evt_/)

    const later = await workTheQueue(desk, demoHandlers(), { cursorStore, log: () => {} })
    t.same(later, { newAssignments: [], handled: [] }, 'a later run starts after what was seen')
    t.equal((await readFile(cursorFile, 'utf8')).trim(), saved)
  },
)

t.test(
  'the desk refuses to start on credentials the gateway refuses, or on a regulator client',
  async (t) => {
    const { baseUrl, regulator, regulatorCredentials } = await gatewayWithRegulator(t)
    const company = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
    const wrong = deskClient(t, baseUrl, { ...company.credentials, clientSecret: 'hjs_not-the-secret' })
    await t.rejects(whoAmI(wrong, baseUrl), DeskSetupError)
    await t.rejects(whoAmI(wrong, baseUrl), {
      message: `The gateway at ${baseUrl} refused these credentials (invalid_client): check HEJIE_CLIENT_ID and HEJIE_CLIENT_SECRET; a revoked client needs a new one from the regulator.`,
    })
    await t.rejects(whoAmI(deskClient(t, baseUrl, regulatorCredentials), baseUrl), {
      message: `${regulatorCredentials.clientId} is a regulator client; the desk needs an enterprise's.`,
    })
    t.match(await whoAmI(deskClient(t, baseUrl, company.credentials), baseUrl), {
      role: 'enterprise',
      enterprise: { id: company.enterprise.id },
    })
  },
)

async function waitFor(condition: () => boolean, ms = 15_000) {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
