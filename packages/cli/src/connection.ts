import { Hejie } from '@hejie/sdk'
import { Agent } from 'undici'
import { type Credentials, loadCredentials } from './credentials.js'
import { acceptLanguage } from './i18n/index.js'

// One connection pool for the command's calls, closed when the command ends so that idle
// keep-alive connections do not hold the process open.
const agent = new Agent()

/** An SDK client with the given credentials, or with the saved ones. */
export async function connect(credentials?: Credentials): Promise<Hejie> {
  const { baseUrl, clientId, clientSecret } = credentials ?? (await loadCredentials())
  // Problems come back in the reader's language where the gateway has them in it.
  return new Hejie({
    baseUrl,
    clientId,
    clientSecret,
    dispatcher: agent,
    headers: { 'accept-language': acceptLanguage() },
  })
}

export function disconnect(): Promise<void> {
  return agent.close()
}
