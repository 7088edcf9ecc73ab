import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

/**
 * The secrets of a confirmation link. The token is 128 random bits (base64url, 22
 * characters), the whole of what the link carries; the database keeps only its SHA-256, so
 * neither a copy of the database nor a backup opens a link. The 6-digit code is checked
 * against a hash bound to the token: the same code under another link does not match, and
 * five wrong tries void the link, so its million values cannot be searched through it.
 */

/** Five wrong codes void the link. */
export const MAX_CODE_ATTEMPTS = 5

export function newLinkToken(): string {
  return randomBytes(16).toString('base64url')
}

/** Only a string that could be one of our tokens is looked up at all. */
export function isLinkTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(token)
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/** Six digits, uniformly drawn, leading zeros kept. */
export function newConfirmationCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0')
}

export function hashConfirmationCode(token: string, code: string): string {
  return createHash('sha256').update(`${token}\n${code}`).digest('base64url')
}

/** Compared in constant time: how long the answer takes says nothing about the code. */
export function codeMatches(token: string, code: string, codeHash: string): boolean {
  const given = Buffer.from(hashConfirmationCode(token, code.trim()))
  const stored = Buffer.from(codeHash)
  return given.length === stored.length && timingSafeEqual(given, stored)
}
