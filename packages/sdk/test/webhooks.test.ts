import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import t from 'tap'
import { type HejieEvent, WebhookVerificationError, webhooks } from '../src/index.js'

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`
const secret = newSecret()

const event = {
  id: 'evt_01jdq4b2c3d4e5f6g7h8j9k0mn',
  object: 'event',
  type: 'refund.recorded',
  sequence: 42,
  created_at: '2026-11-28T05:00:00.123Z',
  enterprise_id: 'ent_01jdq2v8a3k9f0m7c5x4z6w2ht',
  data: {
    object: {
      id: 'rfd_01jdq4b2c3d4e5f6g7h8j9k0mp',
      object: 'refund',
      dispute_id: 'dsp_01jdq3a5m8c2x7v4b9n6k1p3rt',
      settlement_id: 'stl_01jdq3z9y8x7w6v5u4t3s2r1qp',
      amount: { amount: 2700, currency: 'CNY' },
      method: 'original_payment',
      reference: 'RF-99120001',
      refunded_at: '2026-11-28T05:00:00.000Z',
      created_at: '2026-11-28T05:00:00.100Z',
    },
  },
}
const body = JSON.stringify(event)

/** The headers of a delivery signed as the gateway signs it: Standard Webhooks v1. */
function signed(payload: string, options: { with?: string[]; at?: Date } = {}) {
  const at = options.at ?? new Date()
  const signatures = (options.with ?? [secret]).map((key) => new Webhook(key).sign(event.id, at, payload))
  return {
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  }
}

t.test('a genuine delivery verifies and returns the typed event', async (t) => {
  const verified: HejieEvent = webhooks.verify(body, signed(body), secret)
  t.same(verified, event)
  t.equal(verified.type === 'refund.recorded' && verified.data.object.amount.amount, 2700)
})

t.test('the body may be a Buffer and the headers a fetch Headers or Node headers of any case', async (t) => {
  const headers = signed(body)
  t.same(webhooks.verify(Buffer.from(body), new Headers(headers), secret), event)
  t.same(
    webhooks.verify(
      new TextEncoder().encode(body),
      {
        'Webhook-Id': headers['webhook-id'],
        'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
        'webhook-signature': [headers['webhook-signature']],
      },
      secret,
    ),
    event,
  )
})

t.test('during a secret rotation a delivery signed with both secrets verifies with either', async (t) => {
  const next = newSecret()
  const headers = signed(body, { with: [secret, next] })
  t.same(webhooks.verify(body, headers, secret), event)
  t.same(webhooks.verify(body, headers, next), event)
})

t.test('an untrustworthy delivery is refused with a message that says what to fix', async (t) => {
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000)
  const { 'webhook-signature': _, ...unsigned } = signed(body)
  const cases = [
    {
      why: 'a body changed after signing',
      verify: () => webhooks.verify(body.replace('2700', '27000'), signed(body), secret),
      want: /^No signature matches the body: the body was changed after signing/,
    },
    {
      why: 'another endpoint’s secret',
      verify: () => webhooks.verify(body, signed(body), newSecret()),
      want: /or the secret is not this endpoint’s/,
    },
    {
      why: 'a delivery signed ten minutes ago',
      verify: () => webhooks.verify(body, signed(body, { at: minutesAgo(10) }), secret),
      want: /^The webhook-timestamp is 600 s old, outside the 5-minute tolerance: a replayed delivery, or this server’s clock is wrong/,
    },
    {
      why: 'a timestamp from the future',
      verify: () => webhooks.verify(body, signed(body, { at: minutesAgo(-10) }), secret),
      want: /^The webhook-timestamp is 600 s in the future/,
    },
    {
      why: 'the parsed JSON instead of the raw body',
      verify: () => webhooks.verify(JSON.parse(body), signed(body), secret),
      want: /^Pass the raw request body \(a string or Buffer, exactly as received\), not the parsed JSON/,
    },
    {
      why: 'no signature header',
      verify: () => webhooks.verify(body, unsigned, secret),
      want: /^Missing the webhook-signature header: pass all the request headers/,
    },
    {
      why: 'no headers at all',
      verify: () => webhooks.verify(body, {}, secret),
      want: /^Missing the webhook-id, webhook-timestamp, webhook-signature headers/,
    },
    {
      why: 'a timestamp that is not Unix seconds',
      verify: () =>
        webhooks.verify(body, { ...signed(body), 'webhook-timestamp': '2026-11-28T05:00:00Z' }, secret),
      want: /^The webhook-timestamp header must be Unix seconds/,
    },
    {
      why: 'a secret that is not the whsec_ value',
      verify: () => webhooks.verify(body, signed(body), secret.slice('whsec_'.length)),
      want: /^The secret must be the endpoint’s whsec_… value/,
    },
  ]
  for (const { why, verify, want } of cases)
    t.throws(verify, { name: 'WebhookVerificationError', message: want }, why)
  t.throws(() => webhooks.verify(body, {}, secret), WebhookVerificationError, 'one error class to catch')
})
