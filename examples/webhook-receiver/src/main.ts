import type { AddressInfo } from 'node:net'
import type { HejieEvent, Money } from '@hejie/sdk'
import { createReceiver } from './receiver.js'

const yuan = (money: Money | null) =>
  money ? `${(money.amount / 100).toFixed(2)} ${money.currency}` : 'no amount'

/**
 * What this sample does with an event: log it. `event.type` narrows `event.data.object`, so
 * each case reads the fields of its own object. Replace this with your own recording: store
 * the event (its `id` as a unique key) and let a worker act on it, in `sequence` order.
 */
function describe(event: HejieEvent): string {
  switch (event.type) {
    case 'dispute.assigned': {
      const dispute = event.data.object
      return `new dispute ${dispute.id} (ticket ${dispute.external_ref}): ${dispute.claim.description} Respond by ${dispute.respond_by}.`
    }
    case 'dispute.deadline_approaching':
    case 'dispute.overdue':
      return `dispute ${event.data.object.id} must be answered by ${event.data.object.respond_by}`
    case 'settlement.recorded':
      return `settlement ${event.data.object.id} of dispute ${event.data.object.dispute_id}: ${yuan(event.data.object.amount)}`
    case 'settlement.confirmed':
    case 'settlement.rejected':
      // The consumer's own answer on the confirmation page; a rejection needs a follow-up.
      return `the consumer ${event.data.object.consumer_confirmation?.decision ?? 'answered'} settlement ${event.data.object.id} of dispute ${event.data.object.dispute_id}`
    case 'confirmation.requested':
      // Hejie sends no SMS: this is where an SMS gateway would send the link to the consumer.
      return `confirmation link for dispute ${event.data.object.dispute_id}: ${event.data.object.url}`
    case 'refund.recorded':
      return `refund ${event.data.object.id} of dispute ${event.data.object.dispute_id}: ${yuan(event.data.object.amount)}`
    case 'ping':
      return 'a test ping: the endpoint works'
    case 'webhook_endpoint.disabled':
      return `webhook endpoint ${String(event.data.object.id)} was disabled`
    case 'risk_signal.raised':
      // A regulator's endpoint only: enterprises never receive the watchlist.
      return `risk signal ${event.data.object.id}: ${event.data.object.explanation}`
    default:
      return `dispute ${event.data.object.id} is now ${event.data.object.status}`
  }
}

const secret = process.env.HEJIE_WEBHOOK_SECRET
if (!secret?.startsWith('whsec_')) {
  console.error(
    'Set HEJIE_WEBHOOK_SECRET to the endpoint’s whsec_… secret: the one `hejie webhooks listen` prints, ' +
      'or the one shown when the endpoint was created.',
  )
  process.exit(1)
}
const port = Number(process.env.PORT ?? 4242)
const host = process.env.HOST ?? '127.0.0.1'

const server = createReceiver({
  secret,
  record(event) {
    console.log(`#${event.sequence} ${event.type}: ${describe(event)}`)
  },
})
server.listen(port, host, () => {
  const { port } = server.address() as AddressInfo
  console.log(
    `Receiving Hejie webhooks on http://${host.includes(':') ? `[${host}]` : host}:${port}/webhooks`,
  )
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0))
    server.closeIdleConnections()
  })
}
