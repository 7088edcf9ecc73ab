import type { components } from '../generated/openapi.js'

export type TokenResponse = components['schemas']['TokenResponse']

interface HeldToken {
  value: string
  refreshAt: number
}

/**
 * The client's access token: fetched on first use, fetched again shortly before it expires
 * or when the gateway refuses it, and never fetched twice at once: concurrent callers share
 * the one request in flight.
 */
export class AccessTokens {
  #held: HeldToken | undefined
  #pending: Promise<string> | undefined

  constructor(
    private readonly requestToken: () => Promise<TokenResponse>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token valid for a while yet. */
  get(): Promise<string> {
    if (this.#held && this.now() < this.#held.refreshAt) return Promise.resolve(this.#held.value)
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  /**
   * Forgets `token` after the gateway refused it (revoked signing key, clock skew). Only
   * that token: of many calls refused together, the first forgets it and all of them then
   * share one new request.
   */
  invalidate(token: string): void {
    if (this.#held?.value === token) this.#held = undefined
  }

  async #fetch(): Promise<string> {
    const requestedAt = this.now()
    const { access_token, expires_in } = await this.requestToken()
    // Lifetime is measured from before the request, on this machine's clock, so that neither
    // the round trip nor a skew between clocks makes a token outlive its `exp`. A minute (at
    // most half the lifetime) is kept in hand for calls that start just before expiry.
    const lifetimeMs = expires_in * 1000
    this.#held = {
      value: access_token,
      refreshAt: requestedAt + lifetimeMs - Math.min(60_000, lifetimeMs / 2),
    }
    return access_token
  }
}
