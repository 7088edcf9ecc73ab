import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** How long the decision form stays valid after the right code was entered. */
export const DECISION_FORM_TTL_MS = 30 * 60_000

/** The cookie that binds the page's forms to the browser that opened the link. */
export const FORM_COOKIE = 'hejie_confirm'

/**
 * CSRF protection of the confirmation page, without server-side sessions. Opening the link
 * sets a random nonce in a cookie (HttpOnly, SameSite=Strict, scoped to the link's path):
 * a cross-site form post does not carry it. Each form carries a proof, an HMAC under a key
 * derived from the master key (so every instance checks what another issued) over the
 * link's token hash, the nonce and the step. The decision form's proof is issued only after
 * the right code and names the time it was issued: no decision without passing the code
 * step in this browser, within the last 30 minutes.
 */
export class FormProofs {
  constructor(private readonly key: Buffer) {}

  static fromMasterKey(masterKey: { derive(purpose: string): Buffer }): FormProofs {
    return new FormProofs(masterKey.derive('confirmation page forms v1'))
  }

  static newNonce(): string {
    return randomBytes(16).toString('base64url')
  }

  static isNonce(value: string | undefined): value is string {
    return value !== undefined && /^[A-Za-z0-9_-]{22}$/.test(value)
  }

  codeStep(tokenHash: string, nonce: string): string {
    return `c.${this.mac(`code|${tokenHash}|${nonce}`)}`
  }

  decisionStep(tokenHash: string, nonce: string, issuedAt: Date): string {
    const issued = String(issuedAt.getTime())
    return `d.${issued}.${this.mac(`decide|${tokenHash}|${nonce}|${issued}`)}`
  }

  isCodeStep(proof: string, tokenHash: string, nonce: string): boolean {
    return same(proof, this.codeStep(tokenHash, nonce))
  }

  isDecisionStep(proof: string, tokenHash: string, nonce: string, now: Date): boolean {
    const [kind, issued] = proof.split('.')
    if (kind !== 'd' || issued === undefined || !/^\d{1,15}$/.test(issued)) return false
    const age = now.getTime() - Number(issued)
    if (age < 0 || age > DECISION_FORM_TTL_MS) return false
    return same(proof, this.decisionStep(tokenHash, nonce, new Date(Number(issued))))
  }

  private mac(message: string): string {
    return createHmac('sha256', this.key).update(message).digest('base64url')
  }
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
