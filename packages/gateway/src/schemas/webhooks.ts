import { Type } from 'typebox'
import { ListOf, Nullable, StringEnum, Timestamp } from './common.js'
import { eventTypes } from './events.js'

const EventTypes = Type.Array(StringEnum(['*', ...eventTypes] as const), {
  minItems: 1,
  maxItems: eventTypes.length + 1,
  uniqueItems: true,
  description: 'The event types to receive, or `["*"]` for all.',
})
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'https only, and never a private, loopback or link-local address (checked again after DNS).',
  examples: ['https://crm.example.com/hejie/webhooks'],
})
const Description = Type.String({ maxLength: 500 })

export const WebhookEndpointCreate = Type.Object(
  { url: Url, event_types: EventTypes, description: Type.Optional(Description) },
  { additionalProperties: false },
)

export const WebhookEndpointUpdate = Type.Object(
  {
    url: Type.Optional(Url),
    event_types: Type.Optional(EventTypes),
    description: Type.Optional(Nullable(Description)),
    status: Type.Optional(StringEnum(['enabled', 'disabled'] as const)),
  },
  { additionalProperties: false, minProperties: 1 },
)

const endpointProperties = {
  id: Type.String({ examples: ['whe_01jdq3c0k2m4n6p8r0t2v4x6z8'] }),
  object: Type.Literal('webhook_endpoint'),
  enterprise_id: Nullable(
    Type.String({ description: 'Null for a regulator endpoint: it receives every event.' }),
  ),
  unit_id: Type.Optional(
    Nullable(Type.String({ description: "A handling unit's endpoint: it receives the unit's events." })),
  ),
  url: Type.String(),
  event_types: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  status: StringEnum(['enabled', 'disabled'] as const),
  disabled_reason: Nullable(Type.String()),
  failing_since: Nullable(Timestamp),
  previous_secret_expires_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
}

export const WebhookEndpoint = Type.Object(endpointProperties, { $id: 'WebhookEndpoint' })

export const WebhookEndpointWithSecret = Type.Object(
  {
    ...endpointProperties,
    secret: Nullable(
      Type.String({
        description:
          'The signing secret (`whsec_…`), shown in this response only; null when an idempotent request is replayed.',
      }),
    ),
  },
  { $id: 'WebhookEndpointWithSecret' },
)

export const WebhookAttempt = Type.Object(
  {
    attempt: Type.Integer({ minimum: 1 }),
    started_at: Timestamp,
    duration_ms: Type.Integer(),
    status_code: Nullable(
      Type.Integer({ description: 'Null when no response came (timeout, refused, DNS).' }),
    ),
    error: Nullable(Type.String()),
    response_excerpt: Nullable(Type.String({ description: 'The first KiB of the response body.' })),
  },
  { $id: 'WebhookAttempt' },
)

export const WebhookDelivery = Type.Object(
  {
    id: Type.String({ examples: ['whd_01jdq3c0k2m4n6p8r0t2v4x6z8'] }),
    object: Type.Literal('webhook_delivery'),
    endpoint_id: Type.String(),
    event_id: Type.String(),
    event_sequence: Type.Integer(),
    status: StringEnum(['pending', 'succeeded', 'failed'] as const),
    next_attempt_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
    attempts: Type.Array(Type.Ref('WebhookAttempt'), { description: 'Every attempt, first to last.' }),
  },
  { $id: 'WebhookDelivery' },
)

export const WebhookRecovery = Type.Object(
  {
    object: Type.Literal('webhook_recovery'),
    endpoint_id: Type.String(),
    since: Timestamp,
    requeued: Type.Integer({ description: 'Failed deliveries queued again.' }),
  },
  { $id: 'WebhookRecovery' },
)

export const webhookSchemas = [
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  ListOf('WebhookEndpoint', 'WebhookEndpointList'),
  WebhookAttempt,
  WebhookDelivery,
  ListOf('WebhookDelivery', 'WebhookDeliveryList'),
  WebhookRecovery,
]
