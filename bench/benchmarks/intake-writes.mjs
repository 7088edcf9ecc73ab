import { randomUUID } from 'node:crypto'
import { seedDisputes } from '../lib/dispute-fixture.mjs'
import { startGateway } from '../lib/gateway.mjs'
import writes from './dispute-writes.mjs'

/** A complaint as the intake centre routes it to an enterprise; each request its own ticket. */
const complaint = (enterpriseId) => ({
  external_ref: `12315-${randomUUID()}`,
  channel: 'hotline_12315',
  enterprise_id: enterpriseId,
  consumer: { name: '李娜', phone: '13912345678' },
  problem_type: 'contract',
  category: 'online services / video membership',
  claim: {
    description: '会员到期前被停止服务，要求退还未使用的 27 元。',
    demands: ['refund'],
    amount: { amount: 2700, currency: 'CNY' },
  },
  purchase: {
    date: '2026-03-01',
    order_ref: 'VIP-2026-0301',
    amount: { amount: 19800, currency: 'CNY' },
    channel: 'online',
  },
})

/**
 * Intake as the quality bar counts writes: `POST /v1/disputes` by the regulator, to a named
 * enterprise, with a fresh ticket and `Idempotency-Key` per request: the dispute, its deadline,
 * the audit entry, the timeline, the `dispute.assigned` event and the idempotency record in
 * one durable transaction. The baseline is `dispute-writes`'s: one durable insert per request.
 */
export default {
  name: 'intake-writes',
  description: 'POST /v1/disputes (intake to a named enterprise) vs one durable SQLite insert per request',
  target: {
    label: 'Hejie gateway, `POST /v1/disputes` (dispute + deadline + audit + event + idempotency)',
    start: () => startGateway({ seed: (app, database) => seedDisputes(app, database, { count: 1 }) }),
    request: (info) => ({
      method: 'POST',
      path: '/v1/disputes',
      headers: {
        authorization: `Bearer ${info.regulatorToken}`,
        'content-type': 'application/json',
        'idempotency-key': 'preflight',
      },
      body: JSON.stringify(complaint(info.enterpriseId)),
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({
            ...request,
            headers: {
              authorization: `Bearer ${info.regulatorToken}`,
              'content-type': 'application/json',
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify(complaint(info.enterpriseId)),
          }),
        },
      ],
    }),
    check(response) {
      if (JSON.parse(response.body)?.object !== 'dispute')
        throw new Error(`expected a dispute, got ${response.body.slice(0, 300)}`)
    },
  },
  baseline: writes.baseline,
}
