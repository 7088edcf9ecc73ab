import { randomUUID } from 'node:crypto'
import { seedDisputes } from '../lib/dispute-fixture.mjs'
import { startGateway } from '../lib/gateway.mjs'
import writes from './dispute-writes.mjs'

// Reported times lie between the dispute's assignment and at most 5 minutes ahead of the
// gateway's clock: 4 minutes after this module loads suits every request of the run.
const soon = new Date(Date.now() + 240_000).toISOString()

/** A refund of 1 fen: the disputes are settled for far more than a run can refund. */
const refund = () =>
  JSON.stringify({
    amount: { amount: 1, currency: 'CNY' },
    method: 'original_payment',
    reference: `WX-${randomUUID()}`,
    refunded_at: soon,
  })

/** 50 disputes accepted and settled for 1,000,000 yuan each, so that refunds can be recorded. */
async function seedSettled(app, database) {
  const seeded = await seedDisputes(app, database, { count: 50 })
  const headers = { authorization: `Bearer ${seeded.token}` }
  for (const id of seeded.disputeIds) {
    const accepted = await app.inject({
      method: 'POST',
      url: `/v1/disputes/${id}/accept`,
      headers,
      payload: {},
    })
    const settled = await app.inject({
      method: 'POST',
      url: `/v1/disputes/${id}/settlements`,
      headers,
      payload: {
        remedy: 'refund',
        amount: { amount: 100_000_000, currency: 'CNY' },
        terms: '退还未使用的会员费用。',
        agreed_at: soon,
        consumer_consent: { method: 'phone_recording', reference: `REC-${id}` },
      },
    })
    if (accepted.statusCode !== 200 || settled.statusCode !== 201)
      throw new Error(`could not settle ${id}: ${accepted.body} ${settled.body}`)
  }
  return seeded
}

/**
 * Refunds as the quality bar counts writes: `POST /v1/disputes/{id}/refunds` on a random one
 * of 50 settled disputes, each with its own reference and `Idempotency-Key`: the refund (its
 * reference unique by a normalised key), the dispute's new version and refunded total, the
 * audit entry, the event and the idempotency record in one durable transaction. The baseline
 * is `dispute-writes`'s: one durable insert per request.
 */
export default {
  name: 'refund-writes',
  description: 'POST /v1/disputes/{id}/refunds vs one durable SQLite insert per request',
  target: {
    label: 'Hejie gateway, `POST /v1/disputes/{id}/refunds` (refund + version + audit + event + idempotency)',
    start: () => startGateway({ seed: seedSettled }),
    request: (info) => {
      const headers = () => ({
        authorization: `Bearer ${info.token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      })
      const path = () =>
        `/v1/disputes/${info.disputeIds[Math.floor(Math.random() * info.disputeIds.length)]}/refunds`
      return {
        method: 'POST',
        path: path(),
        headers: headers(),
        body: refund(),
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => ({ ...request, path: path(), headers: headers(), body: refund() }),
          },
        ],
      }
    },
    check(response) {
      if (JSON.parse(response.body)?.object !== 'refund')
        throw new Error(`expected a refund, got ${response.body.slice(0, 300)}`)
    },
  },
  baseline: writes.baseline,
}
