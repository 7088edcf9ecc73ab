import { Webhook } from 'standardwebhooks'
import { type Agent, request } from 'undici'
import type { MasterKey } from '../identity/master-key.js'
import type { ClaimedDelivery } from './queue.js'

/** The most of a response body an attempt keeps. */
const EXCERPT_BYTES = 1024

export interface SendResult {
  startedAt: string
  durationMs: number
  statusCode: number | null
  /** The response's Retry-After header, as sent. */
  retryAfter: string | null
  responseExcerpt: string | null
  error: string | null
}

/**
 * The Standard Webhooks signature header: one `v1,…` per secret that signs. During a
 * rotation the old secret signs beside the new one, so a receiver with either verifies.
 */
export function signatureHeader(
  secrets: readonly string[],
  eventId: string,
  timestamp: Date,
  body: string,
): string {
  return secrets.map((secret) => new Webhook(secret).sign(eventId, timestamp, body)).join(' ')
}

/** Secrets are sealed at rest; one dispatcher opens each sealed secret once. */
export class SecretCache {
  private readonly opened = new Map<string, string>()
  constructor(private readonly masterKey: MasterKey) {}

  signingSecrets(delivery: ClaimedDelivery, now: Date): string[] {
    const secrets = [this.open(delivery.encrypted_secret)]
    if (
      delivery.previous_encrypted_secret &&
      delivery.previous_secret_expires_at &&
      delivery.previous_secret_expires_at > now.toISOString()
    ) {
      secrets.push(this.open(delivery.previous_encrypted_secret))
    }
    return secrets
  }

  private open(sealed: string): string {
    let secret = this.opened.get(sealed)
    if (secret === undefined) {
      if (this.opened.size > 10_000) this.opened.clear()
      secret = this.masterKey.decrypt(sealed)
      this.opened.set(sealed, secret)
    }
    return secret
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (
      error.name === 'TimeoutError' ||
      error.name === 'HeadersTimeoutError' ||
      error.name === 'BodyTimeoutError'
    ) {
      return `timed out after ${timeoutMs} ms`
    }
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    return `${error.message}${cause}`.slice(0, EXCERPT_BYTES)
  }
  return String(error)
}

/** One attempt: a signed POST of the event, bounded in time, never throwing. */
export async function sendDelivery(
  agent: Agent,
  delivery: ClaimedDelivery,
  secrets: readonly string[],
  timeoutMs: number,
): Promise<SendResult> {
  // Real time, not the deployment's clock: receivers check webhook-timestamp against their own.
  const started = new Date()
  const begin = performance.now()
  const elapsed = () => Math.round(performance.now() - begin)
  try {
    const response = await request(delivery.url, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'hejie-webhooks/1',
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(Math.floor(started.getTime() / 1000)),
        'webhook-signature': signatureHeader(secrets, delivery.event_id, started, delivery.data),
      },
      body: delivery.data,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // The whole attempt, connection included, ends within the timeout: the lease must outlast it.
      signal: AbortSignal.timeout(timeoutMs),
    })
    const chunks: Buffer[] = []
    let kept = 0
    for await (const chunk of response.body) {
      chunks.push(chunk)
      kept += chunk.length
      if (kept >= EXCERPT_BYTES) break
    }
    const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8')
    const retryAfter = response.headers['retry-after']
    return {
      startedAt: started.toISOString(),
      durationMs: elapsed(),
      statusCode: response.statusCode,
      retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
      responseExcerpt: excerpt === '' ? null : excerpt,
      error: null,
    }
  } catch (error) {
    return {
      startedAt: started.toISOString(),
      durationMs: elapsed(),
      statusCode: null,
      retryAfter: null,
      responseExcerpt: null,
      error: describe(error, timeoutMs),
    }
  }
}

/** How long a Retry-After header asks to wait (delta seconds or an HTTP date), if it parses. */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (header === null) return null
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime())
}

/** Retry-After is honoured up to a day; a longer wait would only strand the delivery. */
const RETRY_AFTER_CAP_MS = 24 * 60 * 60 * 1000

/**
 * The delay before the next attempt after `attemptsMade` attempts failed, or null when the
 * schedule is used up. ±10 % jitter spreads the retries of many deliveries that failed
 * together (an endpoint's outage) so they do not all return at the same instant.
 */
export function nextRetryDelay(
  schedule: readonly number[],
  attemptsMade: number,
  retryAfter: number | null,
  random: () => number = Math.random,
): number | null {
  const base = schedule[attemptsMade]
  if (base === undefined) return null
  const jittered = Math.round(base * (0.9 + random() * 0.2))
  return retryAfter === null ? jittered : Math.max(jittered, Math.min(retryAfter, RETRY_AFTER_CAP_MS))
}
