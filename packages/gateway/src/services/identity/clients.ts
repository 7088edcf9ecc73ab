import { COSIGNATURE_V1, parseVerifierKey, type VerifierKey } from '@hejie/merkle'
import type { Kysely } from 'kysely'
import { newId } from '../../domain/ids.js'
import { type Principal, type Role, type Scope, scopesByRole } from '../../domain/principal.js'
import { asClause, problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { ApiClientTable, Schema } from '../../storage/schema.js'
import { nodeSha256 } from '../audit/index.js'
import { findManagedEnterprise } from '../enterprises.js'
import { findInSubtree, rootJurisdiction } from '../jurisdictions/tree.js'
import { decodeCursor, type Page, toPage } from '../pagination.js'
import { isRootJurisdiction, regulatorSubtree } from '../tenancy/subtree.js'
import { runWrite, type WriteContext, type WriteOutcome, type WriteTransaction } from '../write/index.js'
import { hashSecret, newClientSecret, verifySecret } from './client-secrets.js'
import { remainingRegulatorClients } from './last-regulator.js'

export interface ApiClientView {
  id: string
  object: 'api_client'
  client_id: string
  name: string
  role: Role
  enterprise_id: string | null
  /** A unit client's handling unit. */
  unit_id: string | null
  /**
   * Whose regulators manage it: a regulator client's own node (the subtree it sees), the
   * node an enterprise client's enterprise is registered in, the root for a witness.
   */
  jurisdiction_id: string
  scopes: Scope[]
  /** A witness's C2SP verifier key: what its cosignatures are checked with. */
  witness_key: string | null
  created_at: string
  revoked_at: string | null
}

export function scopesOf(row: Pick<ApiClientTable, 'role' | 'scopes'>): Scope[] {
  return row.scopes ? (JSON.parse(row.scopes) as Scope[]) : [...scopesByRole[row.role]]
}

export function presentClient(row: ApiClientTable): ApiClientView {
  return {
    id: row.id,
    object: 'api_client',
    client_id: row.id,
    name: row.name,
    role: row.role,
    enterprise_id: row.enterprise_id,
    unit_id: row.unit_id,
    jurisdiction_id: row.jurisdiction_id,
    scopes: scopesOf(row),
    witness_key: row.witness_key,
    created_at: row.created_at,
    revoked_at: row.revoked_at,
  }
}

export interface NewClient {
  name: string
  role: Role
  enterpriseId: string | null
  /** A unit client's handling unit. */
  unitId?: string | null | undefined
  /** A regulator client's node: the manager's own when absent (the root from the command line). */
  jurisdictionId?: string | undefined
  /**
   * The regulator creating it through the API: the enterprise or the node must lie in its
   * subtree. Absent for an operator at the command line, who may create any client.
   */
  manager?: Principal | undefined
  scopes?: readonly Scope[] | undefined
  /** For a witness: its verifier key (c2sp.org/signed-note, cosignature type 0x04). */
  witnessKey?: string | undefined
}

function assertScopesFitRole(role: Role, scopes: readonly Scope[] | undefined): void {
  const allowed = scopesByRole[role] as readonly Scope[]
  const foreign = (scopes ?? []).filter((scope) => !allowed.includes(scope))
  if (foreign.length > 0) {
    throw problem(
      'validation_failed',
      {
        en: `Scopes not available to ${role} clients: ${foreign.join(', ')}.`,
        zh: `${role} 客户端不能使用以下权限范围：${foreign.join('、')}。`,
      },
      {
        errors: [
          {
            path: 'body/scopes',
            message: {
              en: `${foreign.join(', ')} not available to ${role} clients`,
              zh: `${role} 客户端不能使用 ${foreign.join('、')}`,
            },
          },
        ],
      },
    )
  }
}

/** Creates a client; the secret is in this answer and nowhere else, ever. */
export function createClient(
  database: Database,
  context: WriteContext,
  input: NewClient,
): Promise<WriteOutcome<ApiClientView & { client_secret: string | null }>> {
  assertScopesFitRole(input.role, input.scopes)
  assertWitnessKey(input)
  if ((input.role === 'unit') !== Boolean(input.unitId)) {
    throw problem('validation_failed', {
      en: 'A unit client names its handling unit, and only a unit client does.',
      zh: '承办单位客户端必须指明所属承办单位，其他客户端不能指明。',
    })
  }
  return (async () => {
    const secret = newClientSecret()
    // Hash outside the transaction: scrypt is deliberately slow and must not hold the writer.
    const secretHash = await hashSecret(secret)
    return runWrite(database, context, async (tx) => {
      const jurisdictionId = await jurisdictionOfNewClient(tx, input)
      const row: ApiClientTable = {
        id: newId('cli'),
        name: input.name,
        role: input.role,
        enterprise_id: input.enterpriseId,
        unit_id: input.unitId ?? null,
        jurisdiction_id: jurisdictionId,
        scopes: input.scopes ? JSON.stringify(input.scopes) : null,
        witness_key: input.witnessKey?.trim() ?? null,
        secret_hash: secretHash,
        created_at: tx.now.toISOString(),
        revoked_at: null,
      }
      await tx.db.insertInto('api_clients').values(row).execute()
      const view = presentClient(row)
      tx.audit({
        action: 'client.created',
        objectId: row.id,
        enterpriseId: row.enterprise_id,
        jurisdictionId: row.jurisdiction_id,
        state: view,
      })
      return {
        status: 201,
        body: { ...view, client_secret: secret },
        replayBody: { ...view, client_secret: null },
      }
    })
  })()
}

/** Where a new client belongs, checked against the subtree of the regulator creating it. */
async function jurisdictionOfNewClient(tx: WriteTransaction, input: NewClient): Promise<string> {
  const { manager } = input
  if (input.enterpriseId) {
    if (manager) return (await findManagedEnterprise(tx.db, manager, input.enterpriseId)).jurisdiction_id
    const enterprise = await tx.db
      .selectFrom('enterprises')
      .select('jurisdiction_id')
      .where('id', '=', input.enterpriseId)
      .executeTakeFirst()
    if (!enterprise)
      throw problem('not_found', {
        en: `No enterprise ${input.enterpriseId}.`,
        zh: `企业 ${input.enterpriseId} 不存在。`,
      })
    return enterprise.jurisdiction_id
  }
  if (input.role === 'unit') {
    const unit = await tx.db
      .selectFrom('handling_units')
      .select('jurisdiction_id')
      .where('id', '=', input.unitId ?? '')
      .$if(manager !== undefined, (q) =>
        q.where('jurisdiction_id', 'in', regulatorSubtree(tx.db, manager as Principal)),
      )
      .executeTakeFirst()
    if (!unit)
      throw problem('not_found', {
        en: `No handling unit ${input.unitId ?? ''}.`,
        zh: `承办单位 ${input.unitId ?? ''} 不存在。`,
      })
    return unit.jurisdiction_id
  }
  if (input.role === 'regulator') {
    if (manager)
      return (await findInSubtree(tx.db, manager, input.jurisdictionId ?? manager.jurisdictionId ?? '')).id
    if (input.jurisdictionId === undefined) return (await rootJurisdiction(tx.db)).id
    const node = await tx.db
      .selectFrom('jurisdictions')
      .select('id')
      .where('id', '=', input.jurisdictionId)
      .executeTakeFirst()
    if (!node)
      throw problem('not_found', {
        en: `No jurisdiction ${input.jurisdictionId}.`,
        zh: `辖区 ${input.jurisdictionId} 不存在。`,
      })
    return node.id
  }
  // A witness checks the whole log, which belongs to the deployment: the root manages it.
  return (await rootJurisdiction(tx.db)).id
}

/** A witness client comes with a verifier key for Ed25519 cosignatures, and only a witness does. */
function assertWitnessKey(input: NewClient): void {
  if ((input.role === 'witness') !== (input.witnessKey !== undefined)) {
    throw problem('validation_failed', {
      en: 'A witness client needs its verifier key, and only a witness client has one.',
      zh: '见证方客户端必须提供验证密钥，其他客户端不能提供。',
    })
  }
  if (input.witnessKey === undefined) return
  let key: VerifierKey
  try {
    key = parseVerifierKey(nodeSha256, input.witnessKey)
  } catch (error) {
    throw problem('validation_failed', {
      en: `The witness key is not a C2SP verifier key: ${asClause((error as Error).message)}.`,
      zh: `见证密钥不是 C2SP 格式的验证密钥：${asClause((error as Error).message)}。`,
    })
  }
  if (key.type !== COSIGNATURE_V1) {
    throw problem('validation_failed', {
      en: 'A witness key is an Ed25519 cosignature key (signature type 0x04).',
      zh: '见证密钥必须是 Ed25519 副署密钥（签名类型 0x04）。',
    })
  }
}

/** The verifier key a witness client cosigns with. */
export async function witnessKeyOf(db: Kysely<Schema>, clientId: string): Promise<string> {
  const row = await db
    .selectFrom('api_clients')
    .select('witness_key')
    .where('id', '=', clientId)
    .executeTakeFirst()
  if (!row?.witness_key)
    throw problem('forbidden', { en: 'This client has no witness key.', zh: '该客户端没有见证密钥。' })
  return row.witness_key
}

/** The clients a regulator manages: those of its jurisdiction's subtree. */
function managedClients(db: Kysely<Schema>, principal: Principal) {
  return db
    .selectFrom('api_clients')
    .selectAll()
    .where('jurisdiction_id', 'in', regulatorSubtree(db, principal))
}

export async function listClients(
  db: Kysely<Schema>,
  principal: Principal,
  query: {
    limit: number
    cursor?: string | undefined
    enterpriseId?: string | undefined
    role?: Role | undefined
  },
): Promise<Page<ApiClientView>> {
  let select = managedClients(db, principal)
  if (query.enterpriseId) select = select.where('enterprise_id', '=', query.enterpriseId)
  if (query.role) select = select.where('role', '=', query.role)
  if (query.cursor) select = select.where('id', '<', decodeCursor(query.cursor, ['id'])[0])
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()
  return toPage(rows, query.limit, presentClient, (row) => [row.id])
}

export function revokeClient(
  database: Database,
  context: WriteContext & { actor: Principal },
  id: string,
): Promise<WriteOutcome<ApiClientView>> {
  return runWrite(database, context, async (tx) => {
    const row = await managedClients(tx.db, context.actor).where('id', '=', id).executeTakeFirst()
    if (!row) throw problem('not_found', { en: `No API client ${id}.`, zh: `API 客户端 ${id} 不存在。` })
    if (row.revoked_at) return { status: 200, body: presentClient(row) }
    if (
      row.role === 'regulator' &&
      (await isRootJurisdiction(tx.db, row.jurisdiction_id)) &&
      (await remainingRegulatorClients(tx.db, tx.dialect, row)).length === 0
    ) {
      throw problem('last_regulator_client', {
        en: `${id} is the last active regulator client of the root jurisdiction: create another before revoking it.`,
        zh: `${id} 是根辖区最后一个有效的监管部门客户端：请先创建另一个，再吊销它。`,
      })
    }
    const revoked = { ...row, revoked_at: tx.now.toISOString() }
    await tx.db
      .updateTable('api_clients')
      .set({ revoked_at: revoked.revoked_at })
      .where('id', '=', id)
      .execute()
    const view = presentClient(revoked)
    tx.audit({
      action: 'client.revoked',
      objectId: id,
      enterpriseId: row.enterprise_id,
      jurisdictionId: row.jurisdiction_id,
      state: view,
    })
    return { status: 200, body: view }
  })
}

// A syntactically valid hash of a random secret: checked when the client id is unknown, so
// that "no such client" and "wrong secret" take the same time and cannot be told apart.
let decoyHash: Promise<string> | undefined

/** The client these credentials belong to, or null; revoked clients authenticate as nobody. */
export async function authenticateClient(
  db: Kysely<Schema>,
  clientId: string,
  secret: string,
): Promise<(ApiClientTable & { unit_kind: string | null }) | null> {
  const row = await db
    .selectFrom('api_clients')
    .leftJoin('handling_units', 'handling_units.id', 'api_clients.unit_id')
    .selectAll('api_clients')
    .select('handling_units.kind as unit_kind')
    .where('api_clients.id', '=', clientId)
    .executeTakeFirst()
  decoyHash ??= hashSecret(newClientSecret())
  const matches = await verifySecret(secret, row?.secret_hash ?? (await decoyHash))
  if (!row || !matches || row.revoked_at) return null
  return row
}
