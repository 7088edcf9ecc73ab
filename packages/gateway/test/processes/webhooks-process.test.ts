import t from 'tap'
import { backend } from '../helpers/database.js'
import { complaint } from '../helpers/disputes.js'
import {
  call,
  registerEnterprise,
  runGateway,
  sharedDatabase,
  startGateway,
  tokenFor,
} from '../helpers/process.js'
import { startReceiver } from '../helpers/receiver.js'

/**
 * Webhook delivery across real gateway processes sharing one database: a process killed
 * with SIGKILL in the middle of deliveries, and (on PostgreSQL) two instances dispatching
 * the same queue.
 */
function disputeIdsReceived(received: { body: string }[]): Set<string> {
  return new Set(received.map((request) => JSON.parse(request.body).data.object.id))
}

t.test(`kill -9 in the middle of deliveries loses no event (${backend})`, async (t) => {
  const shared = await sharedDatabase(t)
  const { credentials } = shared
  // Two at a time, so that the kill finds most events still undelivered.
  const env = { ...shared.env, HEJIE_WEBHOOK_CONCURRENCY: '2' }
  const receiver = await startReceiver(t, () => ({ status: 200, delayMs: 100 }))
  const first = await startGateway(t, env)
  const token = await tokenFor(first.baseUrl, credentials)
  const enterprise = await registerEnterprise(first.baseUrl, token, '美团')
  await call(first.baseUrl, token, 'POST', '/v1/webhook-endpoints', {
    url: receiver.url,
    event_types: ['dispute.assigned'],
  })
  const intakes = Array.from({ length: 40 }, () =>
    call(first.baseUrl, token, 'POST', '/v1/disputes', complaint(enterprise.id)),
  )
  const disputes = (await Promise.all(intakes)).map((dispute) => dispute.id as string)
  await receiver.waitFor((received) => received.length >= 5)
  first.child.kill('SIGKILL')
  await first.exited
  t.ok(
    disputeIdsReceived(receiver.received).size < disputes.length,
    'killed before every event was delivered',
  )

  await startGateway(t, env)
  await receiver.waitFor((received) => disputes.every((id) => disputeIdsReceived(received).has(id)), 30_000)
  t.pass(`every one of ${disputes.length} events reached the receiver after the restart`)
})

t.test(
  backend === 'postgres'
    ? 'two gateway instances and four writers: every event arrives, never the same delivery twice at once'
    : 'one gateway and four writers: every event arrives, never the same delivery twice at once',
  async (t) => {
    const shared = await sharedDatabase(t)
    const { credentials } = shared
    // No process dies here: the default timeout keeps a slow answer on a busy machine an answer.
    const env = { ...shared.env, HEJIE_WEBHOOK_TIMEOUT_MS: '10000' }
    const receiver = await startReceiver(t, () => ({ status: 200, delayMs: 5 }))
    const instances = [await startGateway(t, env)]
    if (backend === 'postgres') instances.push(await startGateway(t, env))
    const baseUrls = instances.map((instance) => instance.baseUrl)
    const token = await tokenFor(baseUrls[0] ?? '', credentials)
    const enterprise = await registerEnterprise(baseUrls[0] ?? '', token, '饿了么')
    await call(baseUrls[0] ?? '', token, 'POST', '/v1/webhook-endpoints', {
      url: receiver.url,
      event_types: ['dispute.assigned'],
    })
    const writes = 100
    const writers = [0, 1, 2, 3].map(async (writer) => {
      const baseUrl = baseUrls[writer % baseUrls.length] ?? ''
      const ids: string[] = []
      for (let i = 0; i < writes; i++) {
        ids.push((await call(baseUrl, token, 'POST', '/v1/disputes', complaint(enterprise.id))).id)
      }
      return ids
    })
    const disputes = (await Promise.all(writers)).flat()
    await receiver.waitFor((received) => disputes.every((id) => disputeIdsReceived(received).has(id)), 30_000)
    t.equal(disputeIdsReceived(receiver.received).size, 4 * writes, 'every event at least once')
    t.equal(receiver.concurrentDuplicates(), 0, 'no delivery was sent by two dispatchers at once')
    for (const instance of instances) instance.child.kill('SIGTERM')
    for (const instance of instances)
      t.same(await instance.exited, { code: 0, signal: null }, 'clean shutdown')
  },
)

t.test(`an API-only gateway leaves deliveries to a worker process (${backend})`, async (t) => {
  const { credentials, env } = await sharedDatabase(t)
  const receiver = await startReceiver(t, () => ({ status: 204 }))
  const api = await startGateway(t, { ...env, HEJIE_WEBHOOK_DISPATCH: 'false' })
  const token = await tokenFor(api.baseUrl, credentials)
  const enterprise = await registerEnterprise(api.baseUrl, token, '携程')
  await call(api.baseUrl, token, 'POST', '/v1/webhook-endpoints', {
    url: receiver.url,
    event_types: ['dispute.assigned'],
  })
  const before = await call(api.baseUrl, token, 'POST', '/v1/disputes', complaint(enterprise.id))
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.equal(receiver.received.length, 0, 'the API-only gateway sends nothing')

  const worker = runGateway(['worker'], env)
  t.teardown(() => {
    if (worker.child.exitCode === null) worker.child.kill('SIGKILL')
  })
  const after = await call(api.baseUrl, token, 'POST', '/v1/disputes', complaint(enterprise.id))
  await receiver.waitFor((received) => disputeIdsReceived(received).size === 2, 30_000)
  t.same(
    [...disputeIdsReceived(receiver.received)].sort(),
    [before.id, after.id].sort(),
    'the worker delivers the waiting event and the new one',
  )
  t.ok(
    worker.output.some((line) => line.includes('Hejie worker ready')),
    'the worker says it is ready',
  )
  await new Promise((resolve) => setTimeout(resolve, 1000))
  t.equal(worker.child.exitCode, null, 'the worker keeps running while it has nothing to do')
  worker.child.kill('SIGTERM')
  t.same(await worker.exited, { code: 0, signal: null }, 'the worker stops cleanly on SIGTERM')
})
