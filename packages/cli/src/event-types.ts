import type { EventType } from '@hejie/sdk'
import { InvalidArgumentError } from 'commander'

/** Every event type, with when it is sent; typed so that none can be missed. */
export const eventTypes: Record<EventType, string> = {
  'dispute.assigned': 'a dispute was routed to the enterprise',
  'dispute.updated': 'a dispute changed (accepted, contact recorded, …)',
  'dispute.deadline_approaching': 'respond_by is near',
  'dispute.overdue': 'respond_by passed with the dispute still open',
  'dispute.escalated': 'the dispute went to administrative mediation',
  'dispute.closed': 'the dispute was closed',
  'dispute.reassigned_away': 'the regulator routed the dispute to another enterprise',
  'settlement.recorded': 'a settlement was recorded',
  'settlement.confirmed': 'the consumer confirmed the settlement on the confirmation page',
  'settlement.rejected': 'the consumer rejected the settlement on the confirmation page',
  'confirmation.requested': 'a confirmation link was made for the consumer (send it by SMS)',
  'refund.recorded': 'a refund was recorded',
  'webhook_endpoint.disabled': 'a webhook endpoint was disabled after failures',
  'risk_signal.raised': 'a risk signal appeared on the watchlist (regulators)',
  ping: 'a test ping sent to one webhook endpoint',
}

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventTypes, value)
}

/** `dispute.assigned,refund.recorded` as a list of event types; a usage error names a wrong one. */
export function eventTypeList(value: string, previous: EventType[] = []): EventType[] {
  const types = value
    .split(',')
    .map((type) => type.trim())
    .filter(Boolean)
  const unknown = types.filter((type) => !isEventType(type))
  if (unknown.length > 0 || types.length === 0) {
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `unknown event type ${unknown.join(', ')}` : 'no event type given'}; ` +
        `the types are ${Object.keys(eventTypes).join(', ')}`,
    )
  }
  return [...previous, ...(types as EventType[])]
}

/** The help text's list of event types. */
export function eventTypesHelp(): string {
  const width = Math.max(...Object.keys(eventTypes).map((type) => type.length))
  return Object.entries(eventTypes)
    .map(([type, meaning]) => `  ${type.padEnd(width)}  ${meaning}`)
    .join('\n')
}
