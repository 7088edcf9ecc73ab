import { Type } from 'typebox'
import { Nullable, StringEnum, Timestamp } from './common.js'

export const eventTypes = [
  'dispute.assigned',
  'dispute.updated',
  'dispute.deadline_approaching',
  'dispute.overdue',
  'dispute.escalated',
  'dispute.closed',
  'dispute.reassigned_away',
  'dispute.urged',
  'dispute.mediation_deadline_approaching',
  'dispute.mediation_overdue',
  'settlement.recorded',
  'settlement.confirmed',
  'settlement.rejected',
  'confirmation.requested',
  'refund.recorded',
  'webhook_endpoint.disabled',
  'risk_signal.raised',
  'ping',
] as const

export const Event = Type.Object(
  {
    id: Type.String({ examples: ['evt_01jdq3c0k2m4n6p8r0t2v4x6z8'] }),
    object: Type.Literal('event'),
    type: StringEnum(eventTypes),
    sequence: Type.Integer({ description: 'Commit order: ascending, never reused.' }),
    created_at: Timestamp,
    enterprise_id: Nullable(
      Type.String({ description: 'The enterprise that receives it; null for a unit.' }),
    ),
    assignee: Type.Optional(
      Nullable(
        Type.Object(
          { type: StringEnum(['enterprise', 'unit'] as const), id: Type.String() },
          { description: 'For an event about a dispute: who holds it after the change.' },
        ),
      ),
    ),
    data: Type.Object(
      {
        object: Type.Object({}, { additionalProperties: true, description: 'The object after the change.' }),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'Event' },
)

export const EventList = Type.Object(
  {
    object: Type.Literal('list'),
    data: Type.Array(Type.Ref('Event')),
    has_more: Type.Boolean(),
    next_cursor: Nullable(Type.String({ description: 'The id of the last event: pass it as `after`.' })),
  },
  { $id: 'EventList' },
)

export const eventSchemas = [Event, EventList]
