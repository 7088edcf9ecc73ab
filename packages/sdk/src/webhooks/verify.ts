import { WebhookVerificationError as SignatureError, Webhook } from 'standardwebhooks'
import type { HejieEvent } from './events.js'

/** A delivery that cannot be trusted; the message says what to fix. */
export class WebhookVerificationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'WebhookVerificationError'
  }
}

/** Request headers as frameworks give them: a fetch `Headers`, or Node's header object. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>

const toleranceSeconds = 5 * 60
const signedHeaders = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const

function headerValues(headers: WebhookHeaders): Record<string, string> {
  const values: Record<string, string> = {}
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers)
  for (const [name, value] of entries) {
    if (value !== undefined) values[name.toLowerCase()] = Array.isArray(value) ? value.join(' ') : value
  }
  return values
}

function rawBodyText(rawBody: unknown): string {
  if (typeof rawBody === 'string') return rawBody
  if (rawBody instanceof Uint8Array) return Buffer.from(rawBody).toString('utf8')
  throw new WebhookVerificationError(
    'Pass the raw request body (a string or Buffer, exactly as received), not the parsed JSON: ' +
      'the signature covers the exact bytes. In Express, read this route with ' +
      "express.raw({ type: 'application/json' }); in Fastify, add a content-type parser with " +
      "parseAs: 'buffer'.",
  )
}

function signingKey(secret: string): Webhook {
  if (!secret.startsWith('whsec_')) {
    throw new WebhookVerificationError(
      'The secret must be the endpoint\u2019s whsec_\u2026 value, shown when the endpoint was created ' +
        'or its secret rotated.',
    )
  }
  try {
    return new Webhook(secret)
  } catch (error) {
    throw new WebhookVerificationError('The whsec_ secret is damaged: copy it again, whole.', {
      cause: error,
    })
  }
}

function checkTimestamp(timestamp: string): void {
  if (!/^\d+$/.test(timestamp)) {
    throw new WebhookVerificationError(
      `The webhook-timestamp header must be Unix seconds, not "${timestamp.slice(0, 40)}".`,
    )
  }
  const age = Math.floor(Date.now() / 1000) - Number(timestamp)
  if (Math.abs(age) > toleranceSeconds) {
    const when = age > 0 ? `${age} s old` : `${-age} s in the future`
    throw new WebhookVerificationError(
      `The webhook-timestamp is ${when}, outside the ${toleranceSeconds / 60}-minute tolerance: ` +
        'a replayed delivery, or this server\u2019s clock is wrong (check NTP). Hejie re-signs each retry, ' +
        'so a genuine delivery is never this far off.',
    )
  }
}

/**
 * Verifies a webhook delivery (Standard Webhooks v1, with the unmodified `standardwebhooks`
 * package) and returns its event. Throws `WebhookVerificationError` for anything that
 * cannot be trusted: answer 400 then, and Hejie retries.
 *
 * @param rawBody the request body exactly as received: verify before any JSON parsing.
 * @param headers the request headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 * @param secret the endpoint's `whsec_…` secret.
 */
function verify(rawBody: string | Uint8Array, headers: WebhookHeaders, secret: string): HejieEvent {
  const body = rawBodyText(rawBody)
  const values = headerValues(headers)
  const missing = signedHeaders.filter((name) => !values[name])
  if (missing.length > 0) {
    throw new WebhookVerificationError(
      `Missing the ${missing.join(', ')} header${missing.length > 1 ? 's' : ''}: pass all the request ` +
        'headers, and check that no proxy in front of this server drops them.',
    )
  }
  checkTimestamp(values['webhook-timestamp'] ?? '')
  const webhook = signingKey(secret)
  try {
    webhook.verify(body, values)
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error
    throw new WebhookVerificationError(
      'No signature matches the body: the body was changed after signing (verify the bytes as ' +
        'received, not JSON re-encoded by your framework), or the secret is not this endpoint\u2019s ' +
        '(after a rotation both old and new are valid for 24 h; use the new one).',
      { cause: error },
    )
  }
  return JSON.parse(body) as HejieEvent
}

/** Webhook verification, on its own (a receiver needs no API credentials) and as `hejie.webhooks`. */
export const webhooks = { verify }
