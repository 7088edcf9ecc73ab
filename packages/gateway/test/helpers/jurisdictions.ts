import type { FastifyInstance } from 'fastify'
import { accessToken, as, type Credentials } from './identity.js'

export interface TestNode {
  id: string
  code: string
  /** A regulator client of this node and its token. */
  regulator: { credentials: Credentials; token: string; clientId: string }
}

/** Adds a node under `parentId` as the regulator `token`, and a regulator client at it. */
export async function addNode(
  app: FastifyInstance,
  token: string,
  node: { name: string; code: string; level: 'district' | 'station' | 'city'; parent_id?: string },
): Promise<TestNode> {
  const call = as(app, token)
  const created = await call({ method: 'POST', url: '/v1/jurisdictions', payload: node })
  if (created.statusCode !== 201) throw new Error(`jurisdiction: ${created.statusCode} ${created.body}`)
  const id = created.json().id as string
  return { id, code: node.code, regulator: await regulatorAt(app, token, id, node.name) }
}

/** A regulator client at `jurisdictionId`, created by a regulator above it, with a token. */
export async function regulatorAt(
  app: FastifyInstance,
  token: string,
  jurisdictionId: string,
  name: string,
): Promise<TestNode['regulator']> {
  const client = await as(
    app,
    token,
  )({
    method: 'POST',
    url: '/v1/clients',
    payload: { name: `${name} 监管端`, jurisdiction_id: jurisdictionId },
  })
  if (client.statusCode !== 201) throw new Error(`regulator client: ${client.statusCode} ${client.body}`)
  const credentials = { clientId: client.json().client_id, clientSecret: client.json().client_secret }
  return { credentials, clientId: credentials.clientId, token: await accessToken(app, credentials) }
}

let serial = 0

/** A code no other test node has: six digits for a city or district, longer for a station. */
export function uniqueCode(level: 'district' | 'station'): string {
  serial += 1
  const district = String(200000 + ((process.pid * 7 + serial * 13) % 700000)).padStart(6, '0')
  return level === 'district' ? district : `${district}${String(serial).padStart(3, '0')}`
}
