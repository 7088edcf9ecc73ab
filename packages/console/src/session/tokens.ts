import { endSession, noteActivity, session } from './session.js'

/**
 * Access tokens for /v1, fetched with the session cookie and kept in memory only. A token
 * is reused until less than a minute of it remains, so a request never leaves with a token
 * about to expire; concurrent callers share one refresh.
 */
const MARGIN_MS = 60_000

interface CachedToken {
  value: string
  expiresAt: number
}

let cached: CachedToken | undefined
let refreshing: Promise<string> | undefined

export class SessionEndedError extends Error {}

export function forgetToken(): void {
  cached = undefined
}

export async function accessToken(): Promise<string> {
  if (cached && cached.expiresAt - Date.now() > MARGIN_MS) return cached.value
  refreshing ??= refresh().finally(() => {
    refreshing = undefined
  })
  return refreshing
}

async function refresh(): Promise<string> {
  const csrf = session()?.csrf_token
  if (!csrf) throw new SessionEndedError('no session')
  const response = await fetch('/console/session/token', {
    method: 'POST',
    headers: { 'x-csrf-token': csrf, accept: 'application/json' },
    credentials: 'same-origin',
  })
  if (response.status === 401 || response.status === 403) {
    cached = undefined
    // Expired, unused too long, or its client revoked: the gateway does not say which to
    // the page, and the sign-in page names them all.
    const problem = (await response.json().catch(() => ({}))) as { code?: string }
    endSession('ended')
    throw new SessionEndedError(problem.code ?? 'session ended')
  }
  if (!response.ok) throw new Error(`token: ${response.status}`)
  const body = (await response.json()) as { access_token: string; expires_in: number }
  noteActivity()
  cached = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 }
  return body.access_token
}
