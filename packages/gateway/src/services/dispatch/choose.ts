import type { Kysely } from 'kysely'
import {
  type CandidateEnterprise,
  type DispatchComplaint,
  type DispatchDecision,
  decide,
} from '../../domain/dispatch/dispatcher.js'
import { nameKey, usccKey } from '../../domain/dispatch/names.js'
import type { Schema } from '../../storage/schema.js'
import { currentRuleBook } from './rule-books.js'

/**
 * Loads what the dispatcher needs for one complaint, stage by stage, and asks it
 * (`domain/dispatch/dispatcher.ts`). Each stage is one indexed query, and a later stage is
 * read only when the earlier ones found no one: a complaint whose respondent's credit code
 * is known never reads the rules. The rules are those of the complaint's jurisdiction and
 * its ancestors, kept in memory while they are unchanged (`rule-books.ts`).
 */
export async function chooseAssignee(
  db: Kysely<Schema>,
  jurisdictionId: string,
  complaint: DispatchComplaint & { respondent: { uscc?: string | null | undefined } },
): Promise<DispatchDecision> {
  const uscc = complaint.respondent.uscc ? usccKey(complaint.respondent.uscc) : null
  const byUscc: CandidateEnterprise[] = uscc
    ? await db
        .selectFrom('enterprises')
        .select(['id', 'name', 'odr_status'])
        .where('uscc', '=', uscc)
        .execute()
    : []
  const noRules = { chain: [], tried: [], centers: new Map() }
  if (byUscc.some((e) => e.odr_status === 'active')) {
    return decide(complaint, { byUscc, byName: [] }, noRules)
  }
  const key = nameKey(complaint.respondent.name)
  const byName: CandidateEnterprise[] =
    key === ''
      ? []
      : await db
          .selectFrom('enterprise_names as n')
          .innerJoin('enterprises as e', 'e.id', 'n.enterprise_id')
          .select(['e.id', 'e.name', 'e.odr_status'])
          .where('n.name_key', '=', key)
          .execute()
  if (byName.some((e) => e.odr_status === 'active')) {
    return decide(complaint, { byUscc, byName }, noRules)
  }

  return decide(complaint, { byUscc, byName }, await currentRuleBook(db, jurisdictionId))
}
