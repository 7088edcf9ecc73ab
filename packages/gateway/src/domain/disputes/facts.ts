import type { DisputeTable } from '../../storage/schema.js'
import type { DisputeFacts } from './lifecycle.js'

/** The amount the settlement agreed to pay back, in fen (0 for a settlement without money). */
export function settledAmount(row: Pick<DisputeTable, 'settlement'>): number {
  const settlement =
    row.settlement === null ? null : (JSON.parse(row.settlement) as { amount: { amount: number } | null })
  return settlement?.amount?.amount ?? 0
}

/** What the lifecycle's rules need to know about a stored dispute. */
export function factsOf(row: DisputeTable): DisputeFacts {
  return {
    status: row.status,
    assignee: { type: row.assignee_type, id: row.assignee_id },
    awaitingDispatch: isAwaitingDispatch(row),
    hasFeedback: row.feedback !== null,
    personalDataErased: row.personal_data_erased_at !== null,
    refundable: settledAmount(row) > row.refunded_amount,
  }
}

/** Held by a centre that has not dispatched it yet: the only assigned disputes without a deadline. */
export function isAwaitingDispatch(row: Pick<DisputeTable, 'status' | 'respond_by'>): boolean {
  return row.status === 'assigned' && row.respond_by === null
}
