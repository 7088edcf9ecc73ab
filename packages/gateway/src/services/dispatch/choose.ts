import type { Kysely } from 'kysely'
import {
  type CandidateEnterprise,
  type CandidateRule,
  type DispatchComplaint,
  type DispatchDecision,
  dispatch,
  type RuleConditions,
} from '../../domain/dispatch/dispatcher.js'
import { nameKey, usccKey } from '../../domain/dispatch/names.js'
import type { Schema } from '../../storage/schema.js'

/**
 * Rules' conditions as parsed, by their stored text: a deployment's rules change rarely and
 * are read on every intake, so each text is parsed once (a changed rule has another text).
 * Emptied when it grows past any plausible number of rules. Nothing mutates what it holds.
 */
const parsed = new Map<string, RuleConditions>()
const PARSED_LIMIT = 20_000

function parsedConditions(text: string): RuleConditions {
  let conditions = parsed.get(text)
  if (conditions === undefined) {
    if (parsed.size >= PARSED_LIMIT) parsed.clear()
    conditions = JSON.parse(text) as RuleConditions
    parsed.set(text, conditions)
  }
  return conditions
}

/**
 * Loads what the dispatcher needs for one complaint, stage by stage, and asks it
 * (`domain/dispatch/dispatcher.ts`). Each stage is one indexed query, and a later stage is
 * read only when the earlier ones found no one: a complaint whose respondent's credit code
 * is known never reads the rules. The rules read are the enabled ones of the complaint's
 * jurisdiction and its ancestors (the `(jurisdiction_id, enabled, priority, id)` index).
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
  const empty = { chain: [], rules: [], centers: new Map() }
  if (byUscc.some((e) => e.odr_status === 'active')) {
    return dispatch(complaint, { byUscc, byName: [], ...empty })
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
    return dispatch(complaint, { byUscc, byName, ...empty })
  }

  const chain = (
    await db
      .selectFrom('jurisdiction_closure')
      .select(['ancestor_id', 'depth'])
      .where('descendant_id', '=', jurisdictionId)
      .orderBy('depth')
      .execute()
  ).map((row) => row.ancestor_id)
  const ruleRows = await db
    .selectFrom('routing_rules as r')
    .innerJoin('handling_units as u', 'u.id', 'r.unit_id')
    .select(['r.id', 'r.jurisdiction_id', 'r.priority', 'r.conditions', 'r.unit_id', 'u.status'])
    .where('r.jurisdiction_id', 'in', chain)
    .where('r.enabled', '=', 1)
    // The index's order: the dispatcher then sorts each jurisdiction's rules in one pass.
    .orderBy('r.jurisdiction_id')
    .orderBy('r.priority')
    .orderBy('r.id')
    .execute()
  const rules: CandidateRule[] = ruleRows.map((row) => ({
    id: row.id,
    jurisdiction_id: row.jurisdiction_id,
    priority: row.priority,
    enabled: true,
    conditions: parsedConditions(row.conditions),
    unit_id: row.unit_id,
    unit_active: row.status === 'active',
  }))
  const centerRows = await db
    .selectFrom('handling_units')
    .select(['id', 'name', 'jurisdiction_id'])
    .where('jurisdiction_id', 'in', chain)
    .where('kind', '=', 'center')
    .where('status', '=', 'active')
    .orderBy('id')
    .execute()
  const centers = new Map<string, { id: string; name: string }>()
  for (const row of centerRows) {
    if (!centers.has(row.jurisdiction_id)) centers.set(row.jurisdiction_id, { id: row.id, name: row.name })
  }
  return dispatch(complaint, { byUscc, byName, chain, rules, centers })
}
