import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * The key that encrypts signing keys at rest (AES-256-GCM). It never enters the database,
 * so a copy of the database alone cannot forge tokens or checkpoints.
 */
export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  static fromBase64(value: string): MasterKey {
    return new MasterKey(Buffer.from(value, 'base64'))
  }

  /** Reads the key file, creating it (mode 0600) with a fresh key when it does not exist. */
  static fromFile(path: string): MasterKey {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
    }
    chmodSync(path, 0o600)
    return MasterKey.fromBase64(readFileSync(path, 'utf8').trim())
  }

  /**
   * A key of its own for one purpose (HKDF-SHA-256), so that a secret the deployment needs
   * elsewhere (the consumer phone key) is tied to the master key without being it: knowing
   * one derived key tells nothing of the master key or of the others.
   */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `hejie ${purpose}`, 32))
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return ['v1', iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.')
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.')
    if (version !== 'v1' || !iv || !tag || !ciphertext) throw new Error('not a sealed value')
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    )
  }
}
