import type { Static } from 'typebox'
import type { DisputeAction } from '../../../domain/disputes/lifecycle.js'
import type { Principal } from '../../../domain/principal.js'
import type { actionBodies } from '../../../schemas/disputes.js'
import type { FileStore } from '../../../storage/file-store.js'
import type { DisputeTable } from '../../../storage/schema.js'
import type { EventRecord, WriteTransaction } from '../../write/index.js'
import type { DeadlinePolicy } from '../deadline-policy.js'
import { assigneeOf, presentDispute } from '../presenter.js'

export type ActionBodies = { [A in keyof typeof actionBodies]: Static<(typeof actionBodies)[A]> }

/** What an action's own rule does, beyond the common path (lock, check, save, audit). */
export interface Effect {
  /** Columns that change on the dispute, besides those every action sets (status, version, ...). */
  changes?: Partial<DisputeTable>
  /** A record the action creates (answered with 201), or none (answered with the dispute). */
  created?: { id: string; view: unknown }
  auditAction: string
  details: Record<string, unknown>
  events: (next: DisputeTable, now: Date) => EventRecord[]
}

/** What an action's rule works with: its write, the dispute as locked before the change, the body. */
export interface EffectInput<A extends DisputeAction> {
  tx: WriteTransaction
  /** Who acts. */
  principal: Principal
  deadlines: DeadlinePolicy
  current: DisputeTable
  body: ActionBodies[A]
  /** The files the body cites as evidence, already checked (`evidence.ts`). */
  evidence: readonly string[]
  /** Where file content lives (erasure deletes it). */
  files: FileStore
}

export type EffectOf<A extends DisputeAction> = (input: EffectInput<A>) => Effect | Promise<Effect>

/** An event that carries the dispute as it is after the change. */
export function disputeEvent(type: EventRecord['type'], next: DisputeTable, now: Date): EventRecord {
  return {
    type,
    enterpriseId: next.assignee_id,
    assignee: assigneeOf(next),
    jurisdictionId: next.jurisdiction_id,
    disputeId: next.id,
    object: presentDispute(next, 'event', now),
  }
}

/** The event of an action that changed the dispute and has no event of its own. */
export function disputeUpdated(next: DisputeTable, now: Date): EventRecord[] {
  return [disputeEvent('dispute.updated', next, now)]
}

/** An event that carries the record an action created. */
export function recordEvent(type: EventRecord['type'], next: DisputeTable, view: unknown): EventRecord {
  return {
    type,
    enterpriseId: next.assignee_id,
    assignee: assigneeOf(next),
    jurisdictionId: next.jurisdiction_id,
    disputeId: next.id,
    object: view,
  }
}
