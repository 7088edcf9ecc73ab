import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pino from 'pino'
import t from 'tap'
import { startWakeListener } from '../../src/workers/wake-listener.js'
import { adminQuery, postgresUrl } from '../helpers/database.js'
import { until } from '../helpers/wait.js'

// The wake-up connection only exists on PostgreSQL, so these tests use the PostgreSQL of the
// test run whichever backend the rest of the suite is on.

const quiet = pino({ level: 'silent' })

const notify = (channel: string) => adminQuery('select pg_notify($1, $2)', [channel, ''])

const freshChannel = () => `hejie_test_${randomBytes(6).toString('hex')}`

t.test('a notification on the channel wakes the dispatcher', async (t) => {
  const channel = freshChannel()
  let wakes = 0
  const listener = startWakeListener({ url: postgresUrl, channel, wake: () => wakes++, log: quiet })
  t.teardown(() => listener.stop())
  await listener.ready
  t.type(listener.backendPid, 'number')

  await notify(channel)
  await until(() => wakes === 1, 'the first wake-up')
  await notify(freshChannel())
  await sleep(200)
  t.equal(wakes, 1, 'a notification on another channel does not wake it')
})

t.test('a lost connection comes back, wakes once, and hears notifications again', async (t) => {
  const channel = freshChannel()
  let wakes = 0
  const listener = startWakeListener({
    url: postgresUrl,
    channel,
    wake: () => wakes++,
    log: quiet,
    reconnectDelaysMs: [50],
  })
  t.teardown(() => listener.stop())
  await listener.ready
  const first = listener.backendPid

  await adminQuery('select pg_terminate_backend($1)', [first])
  await until(() => listener.backendPid !== undefined && listener.backendPid !== first, 'a new connection')
  await until(() => wakes === 1, 'the wake-up after reconnecting')

  await notify(channel)
  await until(() => wakes === 2, 'a notification on the new connection')
})

t.test('stopping a listener that cannot reach its server returns at once', async (t) => {
  const unreachable = 'postgres://postgres@127.0.0.1:9/nowhere'
  let wakes = 0
  const listener = startWakeListener({
    url: unreachable,
    channel: freshChannel(),
    wake: () => wakes++,
    log: quiet,
    reconnectDelaysMs: [20],
  })
  await listener.ready
  t.equal(listener.backendPid, undefined)
  await sleep(100)
  const started = Date.now()
  await listener.stop()
  t.ok(Date.now() - started < 1000, 'stop returns without waiting for a connection')
  t.equal(wakes, 0)
})
