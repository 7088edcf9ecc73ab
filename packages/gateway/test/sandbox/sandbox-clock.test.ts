import t from 'tap'
import type { Config } from '../../src/config.js'
import { OffsetClock } from '../../src/domain/clock.js'
import { adoptDeploymentClock } from '../../src/server.js'
import { MovedClockError, refreshSandboxClock } from '../../src/services/sandbox/clock.js'
import { openDatabase } from '../../src/storage/database.js'
import { testApp } from '../helpers/app.js'
import { freshDatabase } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const backend = process.env.HEJIE_TEST_DB ?? 'sqlite'
const DAY_MS = 24 * 3_600_000

async function sandbox(t: { teardown(fn: () => unknown): void }, config: Partial<Config> = {}) {
  const database = await freshDatabase(t, { clock: new OffsetClock() })
  const { app } = await testApp(t, { database, config: { sandbox: true, ...config } })
  const regulator = await accessToken(app, await regulatorCredentials(database))
  return { app, database, regulator }
}

t.test(
  `outside sandbox mode the sandbox routes do not exist and the clock cannot move (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const token = await accessToken(app, await regulatorCredentials(database))
    for (const request of [
      { method: 'GET' as const, url: '/v1/sandbox/clock' },
      { method: 'POST' as const, url: '/v1/sandbox/clock', payload: { advance: { hours: 1 } } },
    ]) {
      const res = await as(app, token)(request)
      t.equal(res.statusCode, 404, `${request.method} ${request.url}`)
      t.equal(res.json().code, 'not_found')
    }
    t.equal((await database.db.selectFrom('sandbox_clock').selectAll().execute()).length, 0)
  },
)

t.test(
  `moving the clock eleven working days passes a response deadline: the dispute is overdue, escalated, and the feed says so (${backend})`,
  async (t) => {
    const { app, database, regulator } = await sandbox(t, { autoEscalateOverdue: true })
    const enterprise = await enrolEnterprise(app, regulator, '某视频会员服务有限公司')
    const dispute = await intakeDispute(app, regulator, enterprise.id)

    const before = await as(app, regulator)({ url: '/v1/sandbox/clock' })
    t.match(before.json(), { object: 'sandbox_clock', sandbox: true, offset_ms: 0, moved_at: null })

    const moved = await as(
      app,
      enterprise.token,
    )({
      method: 'POST',
      url: '/v1/sandbox/clock',
      payload: { advance: { working_days: 11 } },
    })
    t.equal(moved.statusCode, 200)
    const clock = moved.json()
    t.ok(clock.offset_ms >= 11 * DAY_MS, 'at least eleven calendar days ahead')
    t.ok(Date.parse(clock.now) > Date.parse(dispute.respond_by), 'now lies past the deadline')
    t.equal(
      database.clock.now().toISOString().slice(0, 13),
      clock.now.slice(0, 13),
      'the gateway reads the moved time',
    )

    const after = await as(app, regulator)({ url: `/v1/disputes/${dispute.id}` })
    t.match(after.json(), { status: 'escalated', overdue: true })
    const feed = await as(app, regulator)({ url: `/v1/events?limit=100` })
    const types = feed
      .json()
      .data.filter((event: { data: { object: { id?: string } } }) => event.data.object.id === dispute.id)
      .map((event: { type: string }) => event.type)
    t.ok(types.includes('dispute.overdue'), 'dispute.overdue is in the feed')
    t.ok(types.includes('dispute.escalated'), 'dispute.escalated is in the feed')

    const timeline = await as(app, regulator)({ url: `/v1/disputes/${dispute.id}/timeline` })
    const escalated = timeline
      .json()
      .data.find((entry: { action: string }) => entry.action === 'dispute.overdue_escalated')
    t.ok(
      Date.parse(escalated.at) >= Date.parse(dispute.respond_by),
      'the escalation is stamped with the moved time',
    )
  },
)

t.test(
  `the clock moves forward only: zero, negative and empty moves are refused and change nothing (${backend})`,
  async (t) => {
    const { app, database, regulator } = await sandbox(t)
    for (const advance of [
      {},
      { hours: 0 },
      { hours: -5 },
      { working_days: 0 },
      { days: 3 },
      { hours: 1.5 },
    ]) {
      const res = await as(app, regulator)({ method: 'POST', url: '/v1/sandbox/clock', payload: { advance } })
      t.equal(res.statusCode, 400, JSON.stringify(advance))
      t.equal(res.json().code, 'validation_failed')
    }
    t.equal((await database.db.selectFrom('sandbox_clock').selectAll().execute()).length, 0)
    t.equal((database.clock as OffsetClock).offsetMs, 0)
  },
)

t.test(`hours and working days add up, and each move is audited (${backend})`, async (t) => {
  const { app, regulator } = await sandbox(t)
  const first = await as(
    app,
    regulator,
  )({ method: 'POST', url: '/v1/sandbox/clock', payload: { advance: { hours: 4 } } })
  t.equal(first.json().offset_ms, 4 * 3_600_000)
  const second = await as(
    app,
    regulator,
  )({
    method: 'POST',
    url: '/v1/sandbox/clock',
    headers: { 'idempotency-key': 'move-1' },
    payload: { advance: { hours: 2 } },
  })
  t.equal(second.json().offset_ms, 6 * 3_600_000)
  const replay = await as(
    app,
    regulator,
  )({
    method: 'POST',
    url: '/v1/sandbox/clock',
    headers: { 'idempotency-key': 'move-1' },
    payload: { advance: { hours: 2 } },
  })
  t.equal(replay.headers['idempotent-replayed'], 'true')
  const clock = await as(app, regulator)({ url: '/v1/sandbox/clock' })
  t.equal(clock.json().offset_ms, 6 * 3_600_000, 'a replayed move does not move the clock again')

  const entries = await as(app, regulator)({ url: '/v1/audit/entries?start=0&end=1000' })
  const moves = entries
    .json()
    .data.filter((entry: { entry: { action: string } }) => entry.entry.action === 'sandbox.clock_advanced')
  t.equal(moves.length, 2)
})

t.test(
  `access tokens keep real time: a token taken before a move of two days still works (${backend})`,
  async (t) => {
    const { app, regulator } = await sandbox(t)
    await as(
      app,
      regulator,
    )({ method: 'POST', url: '/v1/sandbox/clock', payload: { advance: { hours: 48 } } })
    t.equal((await as(app, regulator)({ url: '/v1/me' })).statusCode, 200)
  },
)

t.test(
  `every instance of a sandbox reads the same time: a move through one reaches another (${backend})`,
  async (t) => {
    const { app, database, regulator } = await sandbox(t)
    const other = openDatabase({ ...database.location, clock: new OffsetClock() })
    t.teardown(() => other.close())
    await as(
      app,
      regulator,
    )({ method: 'POST', url: '/v1/sandbox/clock', payload: { advance: { hours: 30 } } })
    t.equal((other.clock as OffsetClock).offsetMs, 0, 'not yet refreshed')
    await refreshSandboxClock(other)
    t.equal((other.clock as OffsetClock).offsetMs, 30 * 3_600_000)
  },
)

t.test(`a start without --sandbox refuses a database whose clock a sandbox moved (${backend})`, async (t) => {
  const { app, database, regulator } = await sandbox(t)
  const plain = openDatabase({ ...database.location })
  t.teardown(() => plain.close())
  await t.resolves(adoptDeploymentClock(plain), 'a database whose clock never moved is accepted')
  await as(app, regulator)({ method: 'POST', url: '/v1/sandbox/clock', payload: { advance: { hours: 1 } } })
  await t.rejects(adoptDeploymentClock(plain), MovedClockError)
  const sandboxed = openDatabase({ ...database.location, clock: new OffsetClock() })
  t.teardown(() => sandboxed.close())
  await adoptDeploymentClock(sandboxed)
  t.equal((sandboxed.clock as OffsetClock).offsetMs, 3_600_000, 'a sandbox start takes the stored offset')
})
