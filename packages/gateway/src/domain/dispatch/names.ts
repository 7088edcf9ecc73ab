/**
 * How a respondent's name is compared with an enterprise's registered name and aliases
 * (docs/dispatch.md): two names match when their keys are equal.
 *
 * 1. Unicode NFKC: full-width letters, digits, brackets and spaces become half-width, so
 *    （） and () are one pair.
 * 2. All white space removed; Latin letters lower-cased.
 * 3. The characters ( ) · . , 、 and the middle dot (U+00B7 and U+30FB) removed.
 * 4. The suffix 股份有限公司 or 有限责任公司 replaced by 有限公司.
 */
const IGNORED = /[\s().,、·・]/gu
const SUFFIXES: readonly [string, string][] = [
  ['股份有限公司', '有限公司'],
  ['有限责任公司', '有限公司'],
]

export function nameKey(name: string): string {
  let key = name.normalize('NFKC').replace(IGNORED, '').toLowerCase()
  for (const [suffix, replacement] of SUFFIXES) {
    if (key.endsWith(suffix)) {
      key = key.slice(0, -suffix.length) + replacement
      break
    }
  }
  return key
}

/** A unified social credit code as compared: NFKC, no white space, upper case. */
export function usccKey(uscc: string): string {
  return uscc.normalize('NFKC').replace(/\s/gu, '').toUpperCase()
}

/** Text as a rule's keywords are looked for in it: NFKC and lower case. */
export function keywordText(text: string): string {
  return text.normalize('NFKC').toLowerCase()
}
