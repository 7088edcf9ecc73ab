import { createHmac } from 'node:crypto'

/**
 * A consumer's phone as one form: digits only, without China's country code, so that
 * `+86 138-0013-8000`, `0086 13800138000` and `13800138000` are one consumer.
 */
export function normalisePhone(phone: string): string {
  const digits = phone.normalize('NFKC').replace(/\D/g, '')
  const national = digits.replace(/^(?:0086|86)(?=1\d{10}$)/, '')
  return national
}

/**
 * The keyed hash (HMAC-SHA-256) of a normalised phone that lets the risk-signals job see
 * that several complaints come from one consumer without storing or comparing the phone
 * itself. The key is derived from the deployment's master key, which never enters the
 * database: a copy of the database alone cannot test a guessed phone number against it.
 * Never returned by the API; erased with the consumer's other personal data.
 */
export class PhoneKeyer {
  constructor(private readonly secret: Buffer) {}

  /** From the master key, under a purpose of its own. */
  static fromMasterKey(masterKey: { derive(purpose: string): Buffer }): PhoneKeyer {
    return new PhoneKeyer(masterKey.derive('consumer phone key v1'))
  }

  /** Null for a phone with no digits: nothing to match on. */
  keyOf(phone: string | null): string | null {
    if (phone === null) return null
    const normalised = normalisePhone(phone)
    if (normalised === '') return null
    return createHmac('sha256', this.secret).update(normalised).digest('base64url')
  }
}
