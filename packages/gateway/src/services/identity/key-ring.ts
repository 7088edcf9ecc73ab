import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { JWK } from 'jose'
import { newId } from '../../domain/ids.js'
import type { Database } from '../../storage/database.js'
import type { MasterKey } from './master-key.js'

interface PublishedKey {
  kid: string
  publicKey: KeyObject
  jwk: JWK
}

/**
 * The gateway's Ed25519 signing keys, shared by every instance through the database. The
 * newest unretired key signs access tokens and audit checkpoints; every key ever used stays
 * in the JWKS, because checkpoints it signed stay auditable for as long as the log exists.
 */
export class KeyRing {
  private published = new Map<string, PublishedKey>()
  private signer: { kid: string; privateKey: KeyObject } | undefined
  private lastRefresh = 0

  constructor(
    private readonly database: Database,
    private readonly masterKey: MasterKey,
  ) {}

  /** Loads the keys, creating the first one on a new database. */
  async load(): Promise<void> {
    await this.refresh()
    if (!this.signer) {
      await this.addKey()
      await this.refresh()
    }
  }

  /** Re-reads the keys so that a rotation by another instance is picked up. */
  async refresh(): Promise<void> {
    const rows = await this.database.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute()
    const published = new Map<string, PublishedKey>()
    for (const row of rows) {
      const jwk = JSON.parse(row.public_jwk) as JWK
      published.set(row.kid, {
        kid: row.kid,
        jwk,
        publicKey: createPublicKey({ key: jwk as never, format: 'jwk' }),
      })
    }
    const active = rows.filter((row) => row.retired_at === null).at(-1)
    if (active && active.kid !== this.signer?.kid) {
      const privateJwk = JSON.parse(this.masterKey.decrypt(active.encrypted_private_jwk))
      this.signer = { kid: active.kid, privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' }) }
    }
    this.published = published
    this.lastRefresh = Date.now()
  }

  /** Makes a new key the signer and retires the others (they stay published). */
  async rotate(): Promise<string> {
    const kid = await this.addKey()
    await this.database.db
      .updateTable('signing_keys')
      .set({ retired_at: new Date().toISOString() })
      .where('kid', '!=', kid)
      .where('retired_at', 'is', null)
      .execute()
    await this.refresh()
    return kid
  }

  signingKey(): { kid: string; privateKey: KeyObject } {
    if (!this.signer) throw new Error('the key ring is not loaded')
    return this.signer
  }

  /**
   * The public key for a `kid`. An unknown kid may be a rotation on another instance, so
   * it triggers a refresh, at most once a second.
   */
  async publicKey(kid: string): Promise<KeyObject | undefined> {
    const known = this.published.get(kid)
    if (known) return known.publicKey
    if (Date.now() - this.lastRefresh > 1000) await this.refresh()
    return this.published.get(kid)?.publicKey
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
