import type { AddressInfo } from 'node:net'
import { Agent, type Dispatcher } from 'undici'
import type { Config } from '../../../gateway/src/config.js'
import { sampleComplaint } from '../../../gateway/src/demo/complaint.js'
import { testApp } from '../../../gateway/test/helpers/app.js'
import type { TestDatabase } from '../../../gateway/test/helpers/database.js'
import { regulatorCredentials, testUscc } from '../../../gateway/test/helpers/identity.js'
import { type DisputeCreateParams, Hejie, type HejieOptions } from '../../src/index.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface Credentials {
  clientId: string
  clientSecret: string
}

/** A gateway listening on a free loopback port, on a fresh database, closed when the test ends. */
export async function liveGateway(
  t: Teardown,
  options: { config?: Partial<Config>; database?: TestDatabase } = {},
) {
  const { app, database } = await testApp(t, options)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  return { app, database, baseUrl }
}

/**
 * A client of `baseUrl` on a connection pool of its own, closed when the test ends, so that
 * no test shares keep-alive connections with another.
 */
export function sdkClient(
  t: Teardown,
  baseUrl: string,
  credentials: Credentials,
  options: Omit<HejieOptions, 'baseUrl' | 'clientId' | 'clientSecret'> = {},
): Hejie {
  const dispatcher = options.dispatcher ?? new Agent()
  t.teardown(() => dispatcher.destroy())
  return new Hejie({ baseUrl, ...credentials, ...options, dispatcher })
}

/** The method and path of every request an SDK client sends, in order. */
export function recordingAgent(): { dispatcher: Dispatcher; sent: string[] } {
  const sent: string[] = []
  const dispatcher = new Agent().compose((dispatch) => (options, handler) => {
    sent.push(`${options.method} ${options.path}`)
    return dispatch(options, handler)
  })
  return { dispatcher, sent }
}

/** A live gateway with an SDK client for the regulator (created as `hejie-gateway clients create` does). */
export async function gatewayWithRegulator(t: Teardown, options: Parameters<typeof liveGateway>[1] = {}) {
  const gateway = await liveGateway(t, options)
  const credentials = await regulatorCredentials(gateway.database)
  return {
    ...gateway,
    regulatorCredentials: credentials,
    regulator: sdkClient(t, gateway.baseUrl, credentials),
  }
}

/** Registers an enterprise and an API client for it, through the SDK, as the regulator. */
export async function enrolEnterprise(regulator: Hejie, name: string) {
  const enterprise = await regulator.enterprises.create({
    name,
    uscc: testUscc(),
    contact: { name: '王经理', phone: '01088886666' },
  })
  const client = await regulator.clients.createForEnterprise(enterprise.id, { name: `${name} CRM` })
  if (!client.client_secret) throw new Error('a new client comes with its secret')
  return { enterprise, credentials: { clientId: client.client_id, clientSecret: client.client_secret } }
}

let ticket = 0

/** A complaint as the 12315 intake centre registers it, with a ticket number of its own. */
export function complaint(enterpriseId: string): DisputeCreateParams {
  ticket += 1
  return sampleComplaint(enterpriseId, `12315-2026-${process.pid}-${Date.now() % 1e6}-${ticket}`)
}
