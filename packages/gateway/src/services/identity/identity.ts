import type { Config } from '../../config.js'
import type { Database } from '../../storage/database.js'
import { KeyRing } from './key-ring.js'
import { MasterKey } from './master-key.js'
import { Revocations } from './revocations.js'
import { Tokens } from './tokens.js'

/** Revocations reach every instance within this interval (the contract promises 5 s). */
export const REVOCATION_REFRESH_MS = 2000

export function masterKeyOf(config: Pick<Config, 'masterKey' | 'masterKeyFile'>): MasterKey {
  return config.masterKey ? MasterKey.fromBase64(config.masterKey) : MasterKey.fromFile(config.masterKeyFile)
}

/** The identity services of one gateway process: signing keys, revocations and tokens. */
export class Identity {
  readonly keys: KeyRing
  readonly revocations: Revocations
  readonly tokens: Tokens
  /** Seals secrets at rest: signing keys here, webhook secrets in the webhook services. */
  readonly masterKey: MasterKey

  constructor(config: Config, database: Database) {
    this.masterKey = masterKeyOf(config)
    this.keys = new KeyRing(database, this.masterKey, config.keyActivationDelayMs)
    this.revocations = new Revocations(database)
    this.tokens = new Tokens(
      { issuer: config.tokenIssuer, audience: config.tokenAudience, ttlSeconds: config.tokenTtlSeconds },
      this.keys,
      this.revocations,
    )
  }

  /** Loads the signing keys and the revocations; the gateway then keeps both fresh. */
  async load(): Promise<void> {
    await this.keys.load()
    await this.revocations.refresh()
  }

  /** What must run periodically on every instance, and how often. */
  refreshTasks(): { name: string; intervalMs: number; run: () => Promise<void> }[] {
    return [
      { name: 'revocations', intervalMs: REVOCATION_REFRESH_MS, run: () => this.revocations.refresh() },
      // Twice per activation delay, so every instance publishes a new key before it signs.
      { name: 'signing-keys', intervalMs: this.keys.activationDelayMs / 2, run: () => this.keys.refresh() },
    ]
  }
}
