import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { JWK } from 'jose'
import { newId } from '../../domain/ids.js'
import type { Database } from '../../storage/database.js'
import type { MasterKey } from './master-key.js'

interface PublishedKey {
  kid: string
  publicKey: KeyObject
  jwk: JWK
  /** When the key stopped (or stops) signing, after a rotation; null while it is current. */
  retiredAt: number | null
}

/** A key that verifies signatures, and since when it signs no more. */
export interface VerifyingKey {
  publicKey: KeyObject
  retiredAt: number | null
}

/**
 * The gateway's Ed25519 signing keys, shared by every instance through the database. Every
 * key ever used stays in the JWKS, because checkpoints it signed stay auditable for as long
 * as the log exists.
 *
 * A rotation is announced before it is used: a new key is published at once but signs only
 * after `activationDelayMs`, by which time every instance has refreshed and publishes it, so
 * a verifier never meets a token whose key a JWKS it fetched from any instance lacks.
 *
 * A retired key stays published, but verifies access tokens only until every token it
 * signed has expired (see `Tokens`). Every instance learns of a rotation within half the
 * activation delay, before the old key stops signing, from the periodic refresh.
 */
export class KeyRing {
  private published = new Map<string, PublishedKey & { createdAt: number; sealedPrivateKey: string }>()
  private privateKeys = new Map<string, KeyObject>()
  private lastRefresh = 0

  constructor(
    private readonly database: Database,
    private readonly masterKey: MasterKey,
    readonly activationDelayMs = 60_000,
  ) {}

  /** Loads the keys, creating the first one on a new database. */
  async load(): Promise<void> {
    await this.refresh()
    if (this.published.size === 0) {
      await this.addKey()
      await this.refresh()
    }
    // Fail at start-up, not at the first token: a master key that cannot open the stored
    // keys means this instance was given another deployment's key.
    for (const key of this.published.values()) {
      try {
        this.masterKey.decrypt(key.sealedPrivateKey)
      } catch {
        throw new Error(
          `the master key (HEJIE_MASTER_KEY or HEJIE_MASTER_KEY_FILE) does not open signing key ${key.kid}: every instance must use the key the database was set up with`,
        )
      }
    }
  }

  /** Re-reads the keys so that a rotation by another instance is picked up. */
  async refresh(): Promise<void> {
    const rows = await this.database.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute()
    this.published = new Map(
      rows.map((row) => {
        const jwk = JSON.parse(row.public_jwk) as JWK
        const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' })
        const entry = {
          kid: row.kid,
          jwk,
          publicKey,
          createdAt: Date.parse(row.created_at),
          retiredAt: row.retired_at === null ? null : Date.parse(row.retired_at),
          sealedPrivateKey: row.encrypted_private_jwk,
        }
        return [row.kid, entry] as const
      }),
    )
    this.lastRefresh = Date.now()
  }

  /** Publishes a new key, which takes over signing once every instance has seen it. */
  async rotate(): Promise<string> {
    const kid = await this.addKey()
    await this.database.db
      .updateTable('signing_keys')
      .set({ retired_at: new Date(Date.now() + this.activationDelayMs).toISOString() })
      .where('kid', '!=', kid)
      .where('retired_at', 'is', null)
      .execute()
    await this.refresh()
    return kid
  }

  /**
   * The newest key that has been published for the activation delay; on a new database,
   * where no key is that old yet, the first key.
   */
  signingKey(now = Date.now()): { kid: string; privateKey: KeyObject } {
    const keys = [...this.published.values()]
    const ready = keys.filter((key) => key.createdAt + this.activationDelayMs <= now).at(-1) ?? keys[0]
    if (!ready) throw new Error('the key ring is not loaded')
    return this.keyOf(ready.kid)
  }

  /** The key `kid`, current or retired: a checkpoint's note is signed by the key of its JWS. */
  keyOf(kid: string): { kid: string; privateKey: KeyObject } {
    const published = this.published.get(kid)
    if (!published) throw new Error(`no signing key ${kid}`)
    let privateKey = this.privateKeys.get(kid)
    if (!privateKey) {
      privateKey = createPrivateKey({
        key: JSON.parse(this.masterKey.decrypt(published.sealedPrivateKey)),
        format: 'jwk',
      })
      this.privateKeys.set(kid, privateKey)
    }
    return { kid, privateKey }
  }

  /**
   * The public key for a `kid`, with its retirement. An unknown kid may be a rotation on
   * another instance, so it triggers a refresh, at most once a second.
   */
  async publicKey(kid: string): Promise<VerifyingKey | undefined> {
    if (!this.published.has(kid) && Date.now() - this.lastRefresh > 1000) await this.refresh()
    const key = this.published.get(kid)
    return key ? { publicKey: key.publicKey, retiredAt: key.retiredAt } : undefined
  }

  jwks(): { keys: JWK[] } {
    return { keys: [...this.published.values()].map((key) => key.jwk) }
  }

  private async addKey(): Promise<string> {
    const kid = newId('key')
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' }
    await this.database.db
      .insertInto('signing_keys')
      .values({
        kid,
        public_jwk: JSON.stringify(publicJwk),
        encrypted_private_jwk: this.masterKey.encrypt(JSON.stringify(privateKey.export({ format: 'jwk' }))),
        created_at: new Date().toISOString(),
        retired_at: null,
      })
      .execute()
    return kid
  }
}
