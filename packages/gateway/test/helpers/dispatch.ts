import type { FastifyInstance } from 'fastify'
import { complaint } from './disputes.js'
import { accessToken, as, type Credentials } from './identity.js'

export interface TestUnit {
  id: string
  jurisdictionId: string
  /** A client of the unit and its token. */
  client: { credentials: Credentials; token: string }
}

/** Creates a handling unit as the regulator `token`, and a client of it with a token. */
export async function addUnit(
  app: FastifyInstance,
  token: string,
  unit: { name: string; kind: 'center' | 'division' | 'station' | 'task_force'; jurisdiction_id?: string },
): Promise<TestUnit> {
  const regulator = as(app, token)
  const created = await regulator({ method: 'POST', url: '/v1/handling-units', payload: unit })
  if (created.statusCode !== 201) throw new Error(`unit: ${created.statusCode} ${created.body}`)
  const { id, jurisdiction_id } = created.json()
  const client = await regulator({
    method: 'POST',
    url: '/v1/clients',
    payload: { name: `${unit.name} 工作台`, unit_id: id },
  })
  if (client.statusCode !== 201) throw new Error(`unit client: ${client.statusCode} ${client.body}`)
  const credentials = { clientId: client.json().client_id, clientSecret: client.json().client_secret }
  return {
    id,
    jurisdictionId: jurisdiction_id,
    client: { credentials, token: await accessToken(app, credentials) },
  }
}

/** Creates a routing rule as the regulator `token` and returns its id. */
export async function addRule(
  app: FastifyInstance,
  token: string,
  rule: {
    priority: number
    conditions: Record<string, unknown>
    unit: string
    jurisdiction_id?: string
    enabled?: boolean
  },
): Promise<string> {
  const { unit, ...rest } = rule
  const created = await as(
    app,
    token,
  )({
    method: 'POST',
    url: '/v1/routing-rules',
    payload: { ...rest, target: { unit_id: unit } },
  })
  if (created.statusCode !== 201) throw new Error(`rule: ${created.statusCode} ${created.body}`)
  return created.json().id
}

/** A complaint naming its respondent and no enterprise: the dispatcher routes it. */
export function complaintAbout(
  respondent: { name: string; uscc?: string; address?: string; area_code?: string },
  overrides: Record<string, unknown> = {},
) {
  const { enterprise_id: _named, ...body } = complaint('', overrides)
  return { ...body, respondent }
}
