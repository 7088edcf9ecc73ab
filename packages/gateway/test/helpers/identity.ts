import type { FastifyInstance, InjectOptions } from 'fastify'
import { operator } from '../../src/domain/principal.js'
import { usccCheckCharacter } from '../../src/domain/uscc.js'
import { createClient } from '../../src/services/identity/clients.js'
import type { Database } from '../../src/storage/database.js'

export interface Credentials {
  clientId: string
  clientSecret: string
}

let serial = 0

/** A valid unified social credit code, different on every call. */
export function testUscc(): string {
  serial += 1
  const first17 = `91440300${String(Date.now() % 1e6).padStart(6, '0')}${String(serial % 1000).padStart(3, '0')}`
  return first17 + usccCheckCharacter(first17)
}

/** Creates a regulator client as the command line does (there is no open endpoint for it). */
export async function regulatorCredentials(database: Database): Promise<Credentials> {
  const { body } = await createClient(
    database,
    { actor: operator, requestId: 'test-bootstrap' },
    { name: 'Test regulator', role: 'regulator', enterpriseId: null },
  )
  return { clientId: body.client_id, clientSecret: body.client_secret ?? '' }
}

export async function accessToken(
  app: FastifyInstance,
  credentials: Credentials,
  scope?: string,
): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    payload: {
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      ...(scope ? { scope } : {}),
    },
  })
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return res.json().access_token
}

/** `app.inject` with a bearer token. */
export function as(app: FastifyInstance, token: string) {
  return (options: InjectOptions) =>
    app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } })
}

export interface TestEnterprise {
  id: string
  credentials: Credentials
  token: string
}

/** Registers an enterprise through the API and gives it a client and a token. */
export async function enrolEnterprise(
  app: FastifyInstance,
  regulatorToken: string,
  name: string,
): Promise<TestEnterprise> {
  const regulator = as(app, regulatorToken)
  const created = await regulator({
    method: 'POST',
    url: '/v1/enterprises',
    payload: { name, uscc: testUscc(), contact: { name: '王经理', phone: '01088886666' } },
  })
  if (created.statusCode !== 201) throw new Error(`enterprise: ${created.statusCode} ${created.body}`)
  const id = created.json().id
  const client = await regulator({
    method: 'POST',
    url: `/v1/enterprises/${id}/clients`,
    payload: { name: `${name} CRM` },
  })
  if (client.statusCode !== 201) throw new Error(`client: ${client.statusCode} ${client.body}`)
  const credentials = { clientId: client.json().client_id, clientSecret: client.json().client_secret }
  return { id, credentials, token: await accessToken(app, credentials) }
}
