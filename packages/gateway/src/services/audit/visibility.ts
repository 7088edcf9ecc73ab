import type { Kysely } from 'kysely'
import { holderOf, type Principal } from '../../domain/principal.js'
import type { Schema } from '../../storage/schema.js'
import { regulatorSubtree } from '../tenancy/subtree.js'

/**
 * The audit entries a principal may read: for a regulator, those of its jurisdiction's
 * subtree (`services/tenancy/`); for an enterprise (or a handling unit, alike), the
 * entries about disputes written while the dispute was assigned to it. An entry keeps the
 * enterprise it was written for (the assignee at the time), so after a reassignment the new
 * enterprise's history of the dispute starts at its own assignment (the `dispute.assigned`
 * entry is written for it) and shows nothing of the previous assignee's handling: its
 * contacts, notes, decline. The previous assignee keeps its own part.
 *
 * Every enterprise read of a dispute's history goes through here: the timeline, the audit
 * entries, inclusion proofs and the export.
 */
export function visibleEntries(db: Kysely<Schema>, principal: Principal) {
  const all = db.selectFrom('audit_entries')
  return principal.role === 'regulator'
    ? all.where('jurisdiction_id', 'in', regulatorSubtree(db, principal))
    : all.where('enterprise_id', '=', holderOf(principal) ?? '').where('dispute_id', 'is not', null)
}
