/**
 * Who is calling: the verified claims of an access token. Every service takes a principal
 * and every query that reads tenant data filters by it, so tenancy cannot be forgotten by a
 * route. A regulator sees the subtree of its jurisdiction; an enterprise, its own data.
 */
/**
 * A witness (an auditor, another bureau, another deployment) only reads checkpoints and
 * consistency proofs and cosigns what it checked.
 */
/** A unit client works the disputes assigned to one of the bureau's handling units. */
export type Role = 'regulator' | 'enterprise' | 'witness' | 'unit'

/**
 * Who did something, as the audit log records it. `operator` is a person at the gateway's
 * command line (`hejie-gateway clients create`), acting outside the API; `system` is the
 * gateway itself (the deadline scanner marking a dispute overdue); `consumer` is the
 * holder of a confirmation link, named by the request's id (never by name or phone).
 */
export interface Actor {
  role: Role | 'operator' | 'system' | 'consumer'
  clientId: string
  enterpriseId: string | null
  /** Set for unit clients: the handling unit whose disputes they see and work. */
  unitId?: string | null | undefined
}

export interface Principal extends Actor {
  role: Role
  /** Set for enterprise clients: the only enterprise whose data they see. */
  enterpriseId: string | null
  /**
   * Set for regulator clients: the node of the jurisdiction tree whose subtree they see; for
   * unit clients, their unit's jurisdiction.
   */
  jurisdictionId: string | null
  /** Set for unit clients: whether their unit is a centre (it may dispatch by hand). */
  unitKind?: 'center' | 'division' | 'station' | 'task_force' | null
  scopes: ReadonlySet<Scope>
}

export const operator: Actor = { role: 'operator', clientId: 'hejie-gateway', enterpriseId: null }
export const system: Actor = { role: 'system', clientId: 'hejie-gateway', enterpriseId: null }

/** Scopes narrow what a client may do within its role. */
export const scopesByRole = {
  regulator: [
    'jurisdictions:read',
    'jurisdictions:write',
    'disputes:read',
    'disputes:write',
    'enterprises:read',
    'enterprises:write',
    'clients:write',
    'events:read',
    'webhooks:write',
    'audit:read',
    'stats:read',
  ],
  enterprise: [
    'disputes:read',
    'disputes:write',
    'enterprises:read',
    'events:read',
    'webhooks:write',
    'audit:read',
    'stats:read',
  ],
  witness: ['audit:read', 'audit:cosign'],
  unit: ['disputes:read', 'disputes:write', 'events:read', 'webhooks:write', 'stats:read'],
} as const

export type Scope = (typeof scopesByRole)[Role][number]

export const allScopes: readonly Scope[] = [...new Set(Object.values(scopesByRole).flat())]

/**
 * Whose records these are: the enterprise's id, or the handling unit's. Events, audit
 * entries and the records added to a dispute keep it in their `enterprise_id` column.
 */
export function holderOf(principal: Pick<Principal, 'enterpriseId' | 'unitId'>): string | null {
  return principal.enterpriseId ?? principal.unitId ?? null
}

export function isScope(value: string): value is Scope {
  return (allScopes as readonly string[]).includes(value)
}
