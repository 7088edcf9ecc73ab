/**
 * A dispute's timeline line checked against the audit entry it names. The gateway writes
 * each line from the entry it appends, in the same transaction (services/disputes/
 * timeline-write.ts): index, action, actor, time and object are the entry's own. A line that
 * differs from its proved entry was changed after it was written, or names another entry.
 */
import type { TimelineEntry } from '../models.js'
import { type AuditEntryCheck, type AuditEntryProof, provedEntry } from './entry.js'
import { sameJson } from './same-json.js'

export interface TimelineEntryProof extends AuditEntryProof {
  /** The line from `GET /v1/disputes/{id}/timeline`. */
  timeline: Pick<TimelineEntry, 'audit_index' | 'action' | 'actor' | 'at' | 'object_id'>
  /** The dispute whose timeline it is: the entry must be about it. */
  disputeId?: string
}

/** Proves the audit entry (as verifyAuditEntry), then checks that the timeline line says what it says. */
export async function verifyTimelineEntry(input: TimelineEntryProof): Promise<AuditEntryCheck> {
  const { check, stored } = await provedEntry(input)
  if (!check.ok || !stored) return check
  const { timeline, disputeId } = input
  const line = `timeline line of entry ${timeline.audit_index}`
  if (timeline.audit_index !== stored.index) {
    return { ok: false, message: `the ${line} is checked against entry ${String(stored.index)}` }
  }
  const differing = [
    timeline.action !== stored.action && 'action',
    timeline.object_id !== stored.object_id && 'object_id',
    timeline.at !== stored.at && 'at',
    !sameJson(timeline.actor, stored.actor) && 'actor',
    disputeId !== undefined && stored.dispute_id !== disputeId && 'dispute_id',
  ].filter((field) => field !== false)
  if (differing.length > 0) {
    return { ok: false, message: `the ${line} differs from the entry in ${differing.join(', ')}` }
  }
  return { ok: true, message: `the ${line} agrees with the entry, which is in the checkpoint's tree` }
}
