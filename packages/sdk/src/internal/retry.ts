import { APIConnectionError, HejieError } from '../errors.js'

const initialDelayMs = 500
const maxDelayMs = 8_000
/** A `retry-after` longer than this is reported to the caller rather than slept through. */
export const maxRetryAfterMs = 60_000

/**
 * Whether a failed attempt may be repeated. Every request the SDK sends is safe to repeat:
 * reads change nothing, every POST carries an `Idempotency-Key` (the gateway replays the
 * first answer to a repeat), PATCH sets fields to given values and DELETE revokes what may
 * already be revoked. So the question is only whether repeating can change the answer.
 */
function isRetryable(error: HejieError): boolean {
  // No answer: the request may never have arrived, or arrived and committed; both are safe
  // to repeat for the reason above, and the next connection may well succeed.
  if (error instanceof APIConnectionError) return true
  switch (error.status) {
    // The server stopped waiting for the request to arrive; nothing was done.
    case 408:
      return true
    // The first attempt with this key is still running on the gateway (its connection broke
    // but its transaction goes on); repeated a moment later, the key gets its stored answer.
    // Any other 409 (invalid_transition, a duplicate) is a final answer.
    case 409:
      return error.code === 'idempotency_key_in_use'
    // The client's request budget is spent; `retry-after` says when it refills.
    case 429:
      return true
    default:
      // 5xx: the gateway or its database failed for the moment. A write and its idempotency
      // record commit in one transaction, so a failed write left nothing to duplicate.
      return error.status !== undefined && error.status >= 500
  }
}

/** `retry-after` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  const value = headers['retry-after']?.trim()
  if (!value) return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * How long to wait before retry number `retry` (1 for the first), or `undefined` when the
 * failure must go to the caller. The server's `retry-after` wins when it gives one; else the
 * wait doubles from 0.5 s up to 8 s, and a random part of up to half of it keeps many
 * clients that failed together from retrying together.
 */
export function retryDelayMs(error: HejieError, retry: number, random = Math.random): number | undefined {
  if (!isRetryable(error)) return undefined
  const told = retryAfterMs(error.headers)
  if (told !== undefined) return told <= maxRetryAfterMs ? told : undefined
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (retry - 1))
  return ceiling / 2 + (random() * ceiling) / 2
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Runs `attempt` until it succeeds, fails for good, or has been retried `maxRetries` times. */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: { maxRetries: number; signal?: AbortSignal | undefined },
): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await attempt()
    } catch (error) {
      const delay =
        error instanceof HejieError && retry <= options.maxRetries ? retryDelayMs(error, retry) : undefined
      if (delay === undefined) throw error
      await sleep(delay, options.signal)
    }
  }
}
