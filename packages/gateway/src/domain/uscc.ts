import type { Localized } from './localized.js'

/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015) that identifies an ODR
 * enterprise. Eighteen characters:
 *
 *   1      registration authority (9 = market regulation, 1 = establishment office, 5 = civil affairs, …)
 *   2      organisation category within that authority (for 9: 1 enterprise, 2 individual business, …)
 *   3–8    administrative division code of the registering office (GB/T 2260), digits
 *   9–17   organisation code (GB 11714), itself ending in a check character
 *   18     check character over the first 17 (GB/T 17710, modulus 31)
 *
 * Only what the standard fixes for every code is checked: the alphabet, the digits of the
 * division code and the final check character. The authority and category lists are
 * amended from time to time and division codes are renumbered every year, so refusing
 * values outside today's lists would one day refuse a real company.
 * The organisation code's own check character is not checked either: the final one already
 * covers all seventeen positions, and the API contract asks for that one.
 */

/** The 31 characters a code may use, in order of value: no I, O, Z, S or V. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const LENGTH = 18

export type UsccValidation = { valid: true } | { valid: false; reason: Localized }

/**
 * The check character that completes the first 17 characters of a code, e.g. for demo data.
 * Every single-character substitution changes it, and so does swapping any two of the 17,
 * because the weights are distinct powers of 3 modulo the prime 31.
 */
export function usccCheckCharacter(first17: string): string {
  if (!/^[0-9A-HJ-NP-RTUWXY]{17}$/.test(first17)) {
    throw new RangeError(`usccCheckCharacter: expected 17 characters of ${ALPHABET}, got "${first17}"`)
  }
  let sum = 0
  for (const [index, weight] of WEIGHTS.entries()) sum += ALPHABET.indexOf(first17.charAt(index)) * weight
  return ALPHABET.charAt((31 - (sum % 31)) % 31)
}

/** Whether a code is well formed, and if not, why, in words an operator can act on. */
export function validateUscc(code: string): UsccValidation {
  const characters = Array.from(code)
  if (characters.length !== LENGTH) {
    return invalid({
      en: `must be ${LENGTH} characters long, got ${characters.length}`,
      zh: `应为 ${LENGTH} 位，实际为 ${characters.length} 位`,
    })
  }
  for (const [index, character] of characters.entries()) {
    const position = index + 1
    if (!ALPHABET.includes(character)) {
      return invalid({
        en: `character "${character}" is not allowed at position ${position}${hint(character)}`,
        zh: `第 ${position} 位不能是字符“${character}”${hintZh(character)}`,
      })
    }
    if (position >= 3 && position <= 8 && !/\d/.test(character)) {
      return invalid({
        en:
          `character "${character}" is not allowed at position ${position}: ` +
          'positions 3–8 (the administrative division code) are digits',
        zh: `第 ${position} 位不能是字符“${character}”：第 3–8 位是行政区划码，只能是数字`,
      })
    }
  }
  const expected = usccCheckCharacter(code.slice(0, LENGTH - 1))
  const actual = code.charAt(LENGTH - 1)
  if (actual !== expected) {
    return invalid({
      en: `check digit should be ${expected}, got ${actual}: a character is mistyped or two are swapped`,
      zh: `校验码应为 ${expected}，实际为 ${actual}：可能有字符输错，或两个字符顺序颠倒`,
    })
  }
  return { valid: true }
}

export function isValidUscc(code: string): boolean {
  return validateUscc(code).valid
}

function invalid(reason: Localized): UsccValidation {
  return { valid: false, reason }
}

function hint(character: string): string {
  if (ALPHABET.includes(character.toUpperCase())) return ' (letters are upper case)'
  if ('IOZSV'.includes(character.toUpperCase())) return ' (the code never uses I, O, Z, S or V)'
  return ''
}

function hintZh(character: string): string {
  if (ALPHABET.includes(character.toUpperCase())) return '（字母须大写）'
  if ('IOZSV'.includes(character.toUpperCase())) return '（统一社会信用代码不使用 I、O、Z、S、V）'
  return ''
}
