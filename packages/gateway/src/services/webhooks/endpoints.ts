import { randomBytes } from 'node:crypto'
import { type Kysely, sql, type Transaction } from 'kysely'
import { newId } from '../../domain/ids.js'
import { holderOf, type Principal, system } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { Schema, WebhookEndpointTable } from '../../storage/schema.js'
import type { MasterKey } from '../identity/master-key.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { regulatorSubtree } from '../tenancy/subtree.js'
import {
  runWrite,
  WAKE_CHANNEL,
  type WriteContext,
  type WriteOutcome,
  type WriteTransaction,
} from '../write/index.js'
import { assertAllowedWebhookUrl, type TargetPolicy } from './targets.js'

/** After a rotation, the old secret keeps signing beside the new one this long. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000

export interface WebhookEndpointView {
  id: string
  object: 'webhook_endpoint'
  enterprise_id: string | null
  /** A handling unit's endpoint: the unit. */
  unit_id: string | null
  url: string
  event_types: string[]
  description: string | null
  status: 'enabled' | 'disabled'
  disabled_reason: string | null
  failing_since: string | null
  previous_secret_expires_at: string | null
  created_at: string
  updated_at: string
}

export interface WebhookSettings {
  masterKey: MasterKey
  targets: TargetPolicy
}

/** `whsec_` and base64 of 32 random bytes: the secret format of Standard Webhooks. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

export function presentEndpoint(row: WebhookEndpointTable): WebhookEndpointView {
  // The owner column holds an enterprise's id or a handling unit's; the prefix says which.
  const unitOwned = row.enterprise_id?.startsWith('hnu_') === true
  return {
    id: row.id,
    object: 'webhook_endpoint',
    enterprise_id: unitOwned ? null : row.enterprise_id,
    unit_id: unitOwned ? row.enterprise_id : null,
    url: row.url,
    event_types: JSON.parse(row.event_types),
    description: row.description,
    status: row.status,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since,
    previous_secret_expires_at: row.previous_secret_expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

/** Audits a change to an endpoint, with the endpoint as it is after the change. */
function auditEndpoint(
  tx: WriteTransaction,
  action: string,
  row: Pick<WebhookEndpointTable, 'jurisdiction_id' | 'enterprise_id'>,
  view: WebhookEndpointView,
): void {
  tx.audit({
    action,
    objectId: view.id,
    enterpriseId: row.enterprise_id,
    jurisdictionId: row.jurisdiction_id,
    state: view,
  })
}

/** An enterprise (or a unit) owns its endpoints; regulators share those of their jurisdiction's subtree. */
function ownedEndpoints(db: Kysely<Schema>, principal: Principal) {
  const all = db.selectFrom('webhook_endpoints').selectAll()
  return principal.role !== 'regulator'
    ? all.where('enterprise_id', '=', holderOf(principal) ?? '')
    : all.where('enterprise_id', 'is', null).where('jurisdiction_id', 'in', regulatorSubtree(db, principal))
}

/** The caller's endpoint, or a 404: another tenant's endpoint does not exist for them. */
export async function findEndpoint(
  db: Kysely<Schema>,
  principal: Principal,
  id: string,
): Promise<WebhookEndpointTable> {
  const row = await ownedEndpoints(db, principal).where('id', '=', id).executeTakeFirst()
  if (!row)
    throw problem('not_found', { en: `No webhook endpoint ${id}.`, zh: `Webhook 端点 ${id} 不存在。` })
  return row
}

/** Where an enterprise is registered: its endpoints' changes are audited there. */
async function registeredIn(tx: WriteTransaction, enterpriseId: string): Promise<string> {
  const enterprise = await tx.db
    .selectFrom('enterprises')
    .select('jurisdiction_id')
    .where('id', '=', enterpriseId)
    .executeTakeFirstOrThrow()
  return enterprise.jurisdiction_id
}

/** Wakes the dispatchers of every instance when the transaction commits. */
export async function notifyDispatchers(trx: Transaction<Schema>, database: Database): Promise<void> {
  if (database.dialect === 'postgres') await sql`select pg_notify(${WAKE_CHANNEL}, '')`.execute(trx)
}

type WithSecret = WebhookEndpointView & { secret: string | null }

export function createEndpoint(
  database: Database,
  context: WriteContext & { actor: Principal },
  settings: WebhookSettings,
  input: { url: string; event_types: string[]; description?: string | undefined },
): Promise<WriteOutcome<WithSecret>> {
  assertAllowedWebhookUrl(input.url, settings.targets)
  const secret = newWebhookSecret()
  return runWrite(database, context, async (tx) => {
    const at = tx.now.toISOString()
    const owner = context.actor.role === 'regulator' ? null : holderOf(context.actor)
    const row: WebhookEndpointTable = {
      id: newId('whe'),
      enterprise_id: owner,
      // A regulator's and a unit's endpoints belong to their node; an enterprise's, to where it is registered.
      jurisdiction_id:
        owner === null || context.actor.role === 'unit'
          ? (context.actor.jurisdictionId ?? '')
          : await registeredIn(tx, owner),
      url: input.url,
      event_types: JSON.stringify(input.event_types),
      description: input.description ?? null,
      status: 'enabled',
      disabled_reason: null,
      encrypted_secret: settings.masterKey.encrypt(secret),
      previous_encrypted_secret: null,
      previous_secret_expires_at: null,
      created_at: at,
      updated_at: at,
      failing_since: null,
    }
    await tx.db.insertInto('webhook_endpoints').values(row).execute()
    const view = presentEndpoint(row)
    auditEndpoint(tx, 'webhook_endpoint.created', row, view)
    // The secret is in this answer only: a replay of the request answers without it.
    return { status: 201, body: { ...view, secret }, replayBody: { ...view, secret: null } }
  })
}

export async function listEndpoints(
  db: Kysely<Schema>,
  principal: Principal,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<WebhookEndpointView>> {
  let select = ownedEndpoints(db, principal)
  if (query.cursor) select = select.where('id', '<', decodeCursor(query.cursor, ['id'])[0])
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()
  return toPage(rows, query.limit, presentEndpoint, (row) => [row.id])
}

export function updateEndpoint(
  database: Database,
  context: WriteContext & { actor: Principal },
  settings: WebhookSettings,
  id: string,
  patch: {
    url?: string | undefined
    event_types?: string[] | undefined
    description?: string | null | undefined
    status?: 'enabled' | 'disabled' | undefined
  },
): Promise<WriteOutcome<WebhookEndpointView>> {
  if (patch.url !== undefined) assertAllowedWebhookUrl(patch.url, settings.targets)
  return runWrite(database, context, async (tx) => {
    const row = await findEndpoint(tx.db, context.actor, id)
    const changes: Partial<WebhookEndpointTable> = { updated_at: tx.now.toISOString() }
    if (patch.url !== undefined) changes.url = patch.url
    if (patch.event_types !== undefined) changes.event_types = JSON.stringify(patch.event_types)
    if (patch.description !== undefined) changes.description = patch.description
    if (patch.status !== undefined && patch.status !== row.status) {
      changes.status = patch.status
      changes.disabled_reason = patch.status === 'disabled' ? 'disabled through the API' : null
      // Enabled again: the failure clock starts afresh, and waiting deliveries go out.
      if (patch.status === 'enabled') changes.failing_since = null
    }
    await tx.db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute()
    const view = presentEndpoint({ ...row, ...changes })
    auditEndpoint(tx, 'webhook_endpoint.updated', row, view)
    if (changes.status === 'enabled') await notifyDispatchers(tx.db, database)
    return { status: 200, body: view }
  })
}

/** Deletes the endpoint with its deliveries and their attempts: nothing more is sent to it. */
export function deleteEndpoint(
  database: Database,
  context: WriteContext & { actor: Principal },
  id: string,
): Promise<WriteOutcome<WebhookEndpointView>> {
  return runWrite(database, context, async (tx) => {
    const row = await findEndpoint(tx.db, context.actor, id)
    await tx.db
      .deleteFrom('webhook_attempts')
      .where(
        'delivery_id',
        'in',
        tx.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id),
      )
      .execute()
    await tx.db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute()
    await tx.db.deleteFrom('webhook_endpoints').where('id', '=', id).execute()
    const view = presentEndpoint(row)
    auditEndpoint(tx, 'webhook_endpoint.deleted', row, view)
    return { status: 200, body: view }
  })
}

/** A new secret signs from now on; the current one keeps signing beside it for 24 hours. */
export function rotateSecret(
  database: Database,
  context: WriteContext & { actor: Principal },
  settings: WebhookSettings,
  id: string,
): Promise<WriteOutcome<WithSecret>> {
  const secret = newWebhookSecret()
  return runWrite(database, context, async (tx) => {
    const row = await findEndpoint(tx.db, context.actor, id)
    const changes = {
      encrypted_secret: settings.masterKey.encrypt(secret),
      previous_encrypted_secret: row.encrypted_secret,
      previous_secret_expires_at: new Date(tx.now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
      updated_at: tx.now.toISOString(),
    }
    await tx.db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute()
    const view = presentEndpoint({ ...row, ...changes })
    auditEndpoint(tx, 'webhook_endpoint.secret_rotated', row, view)
    return { status: 200, body: { ...view, secret }, replayBody: { ...view, secret: null } }
  })
}

/** Emits a `ping` event to this endpoint only, through the outbox like any other event. */
export function pingEndpoint(
  database: Database,
  context: WriteContext & { actor: Principal },
  id: string,
): Promise<WriteOutcome<WebhookEndpointView>> {
  return runWrite(database, context, async (tx) => {
    const row = await findEndpoint(tx.db, context.actor, id)
    if (row.status !== 'enabled') {
      throw problem('unprocessable', {
        en: 'The endpoint is disabled; enable it before sending a test ping.',
        zh: '该端点已停用；请先启用，再发送测试 ping。',
      })
    }
    const view = presentEndpoint(row)
    tx.emit({
      type: 'ping',
      enterpriseId: row.enterprise_id,
      jurisdictionId: row.jurisdiction_id,
      object: view,
      endpointId: id,
    })
    return { status: 202, body: view }
  })
}

/**
 * Disables an endpoint the dispatcher gave up on (410 Gone, or failing for too long) and
 * emits `webhook_endpoint.disabled` to its owner's other endpoints and to the feed.
 */
export async function disableEndpoint(database: Database, id: string, reason: string): Promise<void> {
  await runWrite(
    database,
    { actor: system, requestId: `webhook-dispatcher-${database.clock.now().getTime()}` },
    async (tx) => {
      const row = await tx.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .where('status', '=', 'enabled')
        .executeTakeFirst()
      if (!row) return { status: 200, body: null }
      const changes = {
        status: 'disabled' as const,
        disabled_reason: reason,
        updated_at: tx.now.toISOString(),
      }
      await tx.db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute()
      const view = presentEndpoint({ ...row, ...changes })
      auditEndpoint(tx, 'webhook_endpoint.disabled', row, view)
      tx.emit({
        type: 'webhook_endpoint.disabled',
        enterpriseId: row.enterprise_id,
        jurisdictionId: row.jurisdiction_id,
        object: view,
      })
      return { status: 200, body: null }
    },
  )
}
