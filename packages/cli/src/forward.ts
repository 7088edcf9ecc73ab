import { randomBytes } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import type { HejieEvent } from '@hejie/sdk'
import { InvalidArgumentError } from 'commander'
import { Webhook } from 'standardwebhooks'
import { Agent, request } from 'undici'
import { pause } from './stop-signal.js'

/** A secret like the gateway's: `whsec_` and 32 random bytes, base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

/** Checks a `whsec_…` secret as Standard Webhooks defines it (24 to 64 bytes, base64). */
export function signingSecret(value: string): string {
  const key = value.startsWith('whsec_') ? value.slice('whsec_'.length) : ''
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(key) ? Buffer.from(key, 'base64').length : 0
  if (bytes < 24 || bytes > 64) {
    throw new InvalidArgumentError(
      'expected whsec_ followed by 24 to 64 bytes in base64, as an endpoint secret is (leave --secret out to get one)',
    )
  }
  return value
}

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6')

/** Whether `url` names this machine: `localhost` (or a name under it) or a loopback address. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  const family = isIP(host)
  return family !== 0 && loopback.check(host, family === 4 ? 'ipv4' : 'ipv6')
}

/** The `--forward-to` value: an http(s) URL. Other hosts than this machine are checked by the command. */
export function forwardUrl(value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidArgumentError('expected a URL such as http://127.0.0.1:4242/webhooks')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`expected an http or https URL, not ${url.protocol}`)
  }
  return url
}

/** How one attempt went: the receiver's status, or why there was none. */
export interface Attempt {
  attempt: number
  status: number | null
  error: string | null
  durationMs: number
  /** When the next attempt starts, or null after a success or the last attempt. */
  retryInMs: number | null
}

export interface ForwarderOptions {
  url: URL
  secret: string
  /** Stops waiting: an attempt in flight is abandoned and no retry follows. */
  signal: AbortSignal
  /** Like the gateway's delivery timeout. */
  timeoutMs?: number
  /** The waits before each retry; their count is how many retries there are. */
  retryDelaysMs?: readonly number[]
}

const excerptBytes = 200

/** The start of an answer's body, for the report; leaving the loop early discards the rest. */
async function excerpt(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  let kept = 0
  for await (const chunk of body) {
    chunks.push(chunk)
    kept += chunk.length
    if (kept >= excerptBytes) break
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, excerptBytes)
}

/**
 * Sends events to a local receiver as the gateway delivers them: the event JSON as the
 * body, with Standard Webhooks v1 headers signed by the reference `standardwebhooks`
 * package, re-signed on each attempt. A receiver that verifies real deliveries verifies
 * these, given the secret.
 */
export class Forwarder {
  readonly #options: Required<ForwarderOptions>
  readonly #webhook: Webhook
  readonly #agent = new Agent({ connections: 1 })

  constructor(options: ForwarderOptions) {
    this.#options = { timeoutMs: 10_000, retryDelaysMs: [500, 1000, 2000], ...options }
    this.#webhook = new Webhook(options.secret)
  }

  /**
   * Forwards one event, retrying a failure, and reports every attempt: `delivered` once a
   * 2xx came back, `failed` after the last attempt, `stopped` when the signal ended it first.
   */
  async forward(
    event: HejieEvent,
    report: (attempt: Attempt) => void,
  ): Promise<'delivered' | 'failed' | 'stopped'> {
    const { retryDelaysMs, signal } = this.#options
    // Serialised as the feed sent it: the same bytes the gateway stores and delivers.
    const body = JSON.stringify(event)
    for (let attempt = 1; ; attempt++) {
      const result = await this.#send(event.id, body)
      const ok = result.status !== null && result.status >= 200 && result.status < 300
      if (!ok && signal.aborted) return 'stopped'
      const retryInMs = ok ? null : (retryDelaysMs[attempt - 1] ?? null)
      report({ attempt, ...result, retryInMs })
      if (ok) return 'delivered'
      if (retryInMs === null) return 'failed'
      await pause(retryInMs, signal)
      if (signal.aborted) return 'stopped'
    }
  }

  async #send(id: string, body: string): Promise<Pick<Attempt, 'status' | 'error' | 'durationMs'>> {
    const { url, timeoutMs, signal } = this.#options
    const signedAt = new Date()
    const started = performance.now()
    const durationMs = () => Math.round(performance.now() - started)
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'hejie-webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': this.#webhook.sign(id, signedAt, body),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      })
      const answer = (await excerpt(response.body)).trim()
      const ok = response.statusCode >= 200 && response.statusCode < 300
      return {
        status: response.statusCode,
        error: ok || answer === '' ? null : answer,
        durationMs: durationMs(),
      }
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError'
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
      const message = timedOut
        ? `no answer within ${timeoutMs / 1000} s`
        : `${error instanceof Error ? error.message : String(error)}${cause}`
      return { status: null, error: message, durationMs: durationMs() }
    }
  }

  close(): Promise<void> {
    return this.#agent.destroy()
  }
}
