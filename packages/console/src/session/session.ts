/**
 * The console's sign-in session. The secret goes to the gateway once and is forgotten; the
 * gateway answers with an HttpOnly cookie the page cannot read, and a CSRF token that lives
 * in this module's memory only (a reload recovers it from GET /console/session). Nothing is
 * written to localStorage or sessionStorage.
 */

export type Role = 'regulator' | 'unit' | 'enterprise' | 'witness'

export interface Principal {
  role: Role
  client_id: string
  enterprise_id: string | null
  jurisdiction_id: string | null
  unit_id: string | null
}

export interface ConsoleSession {
  object: 'console_session'
  csrf_token: string
  expires_at: string
  idle_expires_at: string
  idle_timeout_seconds: number
  principal: Principal
}

/** Why a session ended, so the sign-in page can say it. */
export type EndReason = 'timed_out' | 'ended' | 'signed_out'

export class SignInError extends Error {}

let current: ConsoleSession | undefined
/** When the gateway will consider the session idle: each token fetch is activity to it. */
let idleDeadline = 0
const listeners = new Set<(reason: EndReason) => void>()

export function session(): ConsoleSession | undefined {
  return current
}

export function onSessionEnd(listener: (reason: EndReason) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function noteActivity(): void {
  if (current) idleDeadline = Date.now() + current.idle_timeout_seconds * 1000
}

function adopt(next: ConsoleSession): ConsoleSession {
  current = next
  idleDeadline = Date.parse(next.idle_expires_at)
  return next
}

// The page leaves a screen full of data when the session lapses, rather than waiting for the
// next click to discover it: what an idle office PC shows should not outlive the session.
setInterval(() => {
  if (current && (Date.now() > idleDeadline || Date.now() > Date.parse(current.expires_at)))
    endSession('timed_out')
}, 15_000)

/** Forgets the session and tells the app, which shows the sign-in page with the reason. */
export function endSession(reason: EndReason): void {
  if (!current) return
  current = undefined
  for (const listener of listeners) listener(reason)
}

export async function signIn(clientId: string, clientSecret: string): Promise<ConsoleSession> {
  const response = await fetch('/console/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ client_id: clientId, client_secret: clientSecret }),
    credentials: 'same-origin',
  })
  if (response.status !== 201) throw new SignInError(await problemTitle(response))
  return adopt((await response.json()) as ConsoleSession)
}

/** The session of the cookie this browser already holds, after a reload; none if it expired. */
export async function restore(): Promise<ConsoleSession | undefined> {
  const response = await fetch('/console/session', { credentials: 'same-origin' })
  if (response.status !== 200) return undefined
  return adopt((await response.json()) as ConsoleSession)
}

export async function signOut(): Promise<void> {
  const csrf = current?.csrf_token
  if (csrf) {
    // The cookie is cleared by the gateway; even if the call fails, the page forgets everything.
    await fetch('/console/session', {
      method: 'DELETE',
      headers: { 'x-csrf-token': csrf },
      credentials: 'same-origin',
    }).catch(() => undefined)
  }
  endSession('signed_out')
}

async function problemTitle(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { code?: string; title?: string }
    return problem.code ?? problem.title ?? String(response.status)
  } catch {
    return String(response.status)
  }
}
