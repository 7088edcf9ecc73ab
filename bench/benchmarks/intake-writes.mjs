import { randomUUID } from 'node:crypto'
import { complaint, seedDisputes } from '../lib/dispute-fixture.mjs'
import { startGateway } from '../lib/gateway.mjs'
import writes from './dispute-writes.mjs'

/** Each request its own ticket. */
const freshComplaint = (enterpriseId) =>
  complaint({ externalRef: `12315-${randomUUID()}`, orderRef: 'VIP-2026-0301', enterpriseId })

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
      body: JSON.stringify(freshComplaint(info.enterpriseId)),
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
            body: JSON.stringify(freshComplaint(info.enterpriseId)),
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
