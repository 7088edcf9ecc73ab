import type { Kysely } from 'kysely'
import type { RuleConditions } from '../../domain/dispatch/dispatcher.js'
import { newId } from '../../domain/ids.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { RoutingRuleTable, Schema } from '../../storage/schema.js'
import { findInSubtree } from '../jurisdictions/tree.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { regulatorSubtree, subtreeIds } from '../tenancy/subtree.js'
import { runWrite, type WriteContext, type WriteOutcome, type WriteTransaction } from '../write/index.js'

export function presentRule(row: RoutingRuleTable) {
  return {
    id: row.id,
    object: 'routing_rule' as const,
    jurisdiction_id: row.jurisdiction_id,
    priority: row.priority,
    enabled: row.enabled === 1,
    conditions: JSON.parse(row.conditions) as RuleConditions,
    target: { unit_id: row.unit_id },
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

export type RuleView = ReturnType<typeof presentRule>

export interface RuleInput {
  jurisdiction_id?: string | undefined
  priority: number
  enabled?: boolean | undefined
  conditions: RuleConditions
  target: { unit_id: string }
}

export interface RulePatch {
  priority?: number | undefined
  enabled?: boolean | undefined
  conditions?: RuleConditions | undefined
  target?: { unit_id: string } | undefined
}

/** The rules a regulator sees and manages: those of its jurisdiction's subtree. */
function visibleRules(db: Kysely<Schema>, principal: Principal) {
  return db
    .selectFrom('routing_rules')
    .selectAll()
    .where('jurisdiction_id', 'in', regulatorSubtree(db, principal))
}

async function findRule(db: Kysely<Schema>, principal: Principal, id: string): Promise<RoutingRuleTable> {
  const row = await visibleRules(db, principal).where('id', '=', id).executeTakeFirst()
  if (!row) throw problem('not_found', { en: `No routing rule ${id}.`, zh: `分派规则 ${id} 不存在。` })
  return row
}

export async function getRule(db: Kysely<Schema>, principal: Principal, id: string): Promise<RuleView> {
  return presentRule(await findRule(db, principal, id))
}

/**
 * A rule's target: a unit the rule's jurisdiction may send complaints to, that is one of
 * that jurisdiction's subtree (a district's rule does not route to a neighbour's station),
 * and one the caller sees.
 */
async function assertTarget(
  tx: WriteTransaction,
  principal: Principal,
  jurisdictionId: string,
  unitId: string,
) {
  const unit = await tx.db
    .selectFrom('handling_units')
    .select(['id', 'status'])
    .where('id', '=', unitId)
    .where('jurisdiction_id', 'in', subtreeIds(tx.db, jurisdictionId))
    .where('jurisdiction_id', 'in', regulatorSubtree(tx.db, principal))
    .executeTakeFirst()
  if (!unit) {
    throw problem(
      'not_found',
      {
        en: `No handling unit ${unitId} in the rule's jurisdiction or below it.`,
        zh: `该规则所属辖区及其下级辖区中没有承办单位 ${unitId}。`,
      },
      {
        errors: [
          {
            path: 'body/target/unit_id',
            message: { en: 'no such unit in the rule’s subtree', zh: '该规则所辖范围内没有此承办单位' },
          },
        ],
      },
    )
  }
}

/** Conditions as stored: only those given, in a fixed order, keywords as sent. */
function storedConditions(conditions: RuleConditions): string {
  const { problem_type, category, area_code_prefix, channel, keywords } = conditions
  return JSON.stringify({ problem_type, category, area_code_prefix, channel, keywords })
}

export async function listRules(
  db: Kysely<Schema>,
  principal: Principal,
  query: {
    limit: number
    cursor?: string | undefined
    jurisdiction_id?: string | undefined
    unit_id?: string | undefined
    enabled?: boolean | undefined
  },
): Promise<Page<RuleView>> {
  let select = visibleRules(db, principal)
  if (query.jurisdiction_id) {
    await findInSubtree(db, principal, query.jurisdiction_id)
    select = select.where('jurisdiction_id', '=', query.jurisdiction_id)
  }
  if (query.unit_id) select = select.where('unit_id', '=', query.unit_id)
  if (query.enabled !== undefined) select = select.where('enabled', '=', query.enabled ? 1 : 0)
  if (query.cursor) select = select.where('id', '<', decodeCursor(query.cursor, ['id'])[0])
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()
  return toPage(rows, query.limit, presentRule, (row) => [row.id])
}

export function createRule(
  database: Database,
  context: WriteContext & { actor: Principal },
  input: RuleInput,
): Promise<WriteOutcome<RuleView>> {
  return runWrite(database, context, async (tx) => {
    const jurisdiction = await findInSubtree(
      tx.db,
      context.actor,
      input.jurisdiction_id ?? context.actor.jurisdictionId ?? '',
    )
    await assertTarget(tx, context.actor, jurisdiction.id, input.target.unit_id)
    const at = tx.now.toISOString()
    const row: RoutingRuleTable = {
      id: newId('rtr', tx.now.getTime()),
      jurisdiction_id: jurisdiction.id,
      priority: input.priority,
      enabled: input.enabled === false ? 0 : 1,
      conditions: storedConditions(input.conditions),
      unit_id: input.target.unit_id,
      created_at: at,
      updated_at: at,
    }
    await tx.db.insertInto('routing_rules').values(row).execute()
    const view = presentRule(row)
    tx.audit({
      action: 'routing_rule.created',
      objectId: row.id,
      jurisdictionId: row.jurisdiction_id,
      state: view,
    })
    return { status: 201, body: view }
  })
}

export function updateRule(
  database: Database,
  context: WriteContext & { actor: Principal },
  id: string,
  patch: RulePatch,
): Promise<WriteOutcome<RuleView>> {
  return runWrite(database, context, async (tx) => {
    const current = await findRule(tx.db, context.actor, id)
    if (patch.target) await assertTarget(tx, context.actor, current.jurisdiction_id, patch.target.unit_id)
    const next: RoutingRuleTable = {
      ...current,
      priority: patch.priority ?? current.priority,
      enabled: patch.enabled === undefined ? current.enabled : patch.enabled ? 1 : 0,
      conditions: patch.conditions ? storedConditions(patch.conditions) : current.conditions,
      unit_id: patch.target?.unit_id ?? current.unit_id,
      updated_at: tx.now.toISOString(),
    }
    await tx.db.updateTable('routing_rules').set(next).where('id', '=', id).execute()
    const view = presentRule(next)
    tx.audit({
      action: 'routing_rule.updated',
      objectId: id,
      jurisdictionId: next.jurisdiction_id,
      state: view,
    })
    return { status: 200, body: view }
  })
}

export function deleteRule(
  database: Database,
  context: WriteContext & { actor: Principal },
  id: string,
): Promise<WriteOutcome<{ id: string; object: 'routing_rule'; deleted: true }>> {
  return runWrite(database, context, async (tx) => {
    const current = await findRule(tx.db, context.actor, id)
    await tx.db.deleteFrom('routing_rules').where('id', '=', id).execute()
    tx.audit({
      action: 'routing_rule.deleted',
      objectId: id,
      jurisdictionId: current.jurisdiction_id,
      state: presentRule(current),
    })
    return { status: 200, body: { id, object: 'routing_rule' as const, deleted: true as const } }
  })
}
