import type { components } from '../generated/openapi.js'
import type {
  ConfirmationRequest,
  Dispute,
  Refund,
  RiskSignal,
  Settlement,
  WebhookEndpoint,
} from '../models.js'

type Event = components['schemas']['Event']

/**
 * An event as delivered to a webhook endpoint and listed by `GET /v1/events`:
 * `{ id, object: "event", type, sequence, created_at, enterprise_id, data: { object } }`,
 * `data.object` a snapshot of the object after the change. Receivers de-duplicate on `id`
 * (the `webhook-id` header) and order by `sequence`. The spec's `Event` schema, with
 * `data.object` narrowed by `type` as the contract (API.md) pairs them.
 */
type EventOf<Type extends Event['type'], Object> = Omit<Event, 'type' | 'data'> & {
  type: Type
  data: { object: Object }
}

export type DisputeEventType =
  | 'dispute.assigned'
  | 'dispute.updated'
  | 'dispute.deadline_approaching'
  | 'dispute.overdue'
  | 'dispute.escalated'
  | 'dispute.closed'
  | 'dispute.reassigned_away'

export type HejieEvent =
  | EventOf<DisputeEventType, Dispute>
  | EventOf<'settlement.recorded', Settlement>
  | EventOf<'settlement.confirmed' | 'settlement.rejected', Settlement>
  | EventOf<'confirmation.requested', Omit<ConfirmationRequest, 'code'>>
  | EventOf<'refund.recorded', Refund>
  | EventOf<'webhook_endpoint.disabled', WebhookEndpoint>
  | EventOf<'risk_signal.raised', RiskSignal>
  | EventOf<'ping', WebhookEndpoint>

export type EventType = HejieEvent['type']
