import { createHmac, randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { HejieEvent } from '@hejie/sdk'
import t, { type Test } from 'tap'
import { createReceiver } from '../src/receiver.js'

const secret = `whsec_${randomBytes(32).toString('base64')}`

const event = {
  id: 'evt_01m8ha7a0hm4n5ch8ygasc02vz',
  object: 'event',
  type: 'ping',
  sequence: 7,
  created_at: new Date().toISOString(),
  enterprise_id: 'ent_01m8ha79frgg9fp8gq4v0ecr1y',
  data: { object: { id: 'whe_01m8ha79x0fc4ns031jekx69z9', object: 'webhook_endpoint' } },
}
const body = JSON.stringify(event)

/** Standard Webhooks v1, written out: base64 HMAC-SHA256 of `id.timestamp.body` under the decoded secret. */
function signed(payload: string, id = event.id): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest('base64')
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  }
}

async function start(t: Test, record: (event: HejieEvent) => void | Promise<void>) {
  const logged: string[] = []
  const server = createReceiver({
    secret,
    record,
    log: { log: (line: string) => logged.push(line), error: (line: string) => logged.push(line) },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const post = (payload: string, headers = signed(payload), path = '/webhooks') =>
    fetch(`${base}${path}`, { method: 'POST', headers, body: payload })
  return { base, post, logged }
}

t.test('a delivery sent again is answered 200 and recorded once', async (t) => {
  const recorded: HejieEvent[] = []
  const { post, logged } = await start(t, (event) => {
    recorded.push(event)
  })
  t.equal((await post(body)).status, 204)
  const again = await post(body)
  t.equal(again.status, 200)
  t.equal(await again.text(), 'Already recorded')
  t.same(recorded, [event], 'recorded once, as sent')
  t.same(logged, [
    `${event.id} ping: verified and recorded`,
    `${event.id} ping: already recorded, answered again`,
  ])
})

t.test('when recording fails the answer is 500, and the resent delivery is recorded', async (t) => {
  let failures = 1
  const recorded: string[] = []
  const { post } = await start(t, (event) => {
    if (failures-- > 0) throw new Error('database unavailable')
    recorded.push(event.id)
  })
  t.equal((await post(body)).status, 500)
  t.equal((await post(body)).status, 204)
  t.same(recorded, [event.id])
})

t.test(
  'a changed body, a missing signature, other methods and paths, and huge bodies are refused',
  async (t) => {
    const recorded: HejieEvent[] = []
    const { base, post } = await start(t, (event) => {
      recorded.push(event)
    })
    const tampered = await post(body.replace('"sequence":7', '"sequence":8'), signed(body))
    t.equal(tampered.status, 400)
    t.match(await tampered.text(), /^No signature matches the body/)
    const unsigned = await post(body, { 'content-type': 'application/json' })
    t.equal(unsigned.status, 400)
    t.match(await unsigned.text(), /^Missing the webhook-id, webhook-timestamp, webhook-signature headers/)
    t.equal((await fetch(`${base}/webhooks`)).status, 405)
    t.equal((await post(body, signed(body), '/elsewhere')).status, 404)
    const huge = JSON.stringify({ ...event, padding: 'x'.repeat(1024 * 1024) })
    t.equal((await post(huge)).status, 413)
    t.same(recorded, [], 'none of them recorded')
  },
)
