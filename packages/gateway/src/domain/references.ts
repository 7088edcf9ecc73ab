/**
 * The key under which a payment reference is unique. References are typed and copied by
 * people and systems: the same reference arrives with full-width digits from a Chinese input
 * method, with spaces where a bank prints groups, in another case, or with an invisible
 * zero-width character pasted along with it. All of these name one payment, so the key is the
 * reference in NFKC (full-width and compatibility forms folded to their plain letters and
 * digits), without white space or format characters (Unicode category Cf: zero-width spaces
 * and joiners, the byte order mark, bidirectional marks), in upper case.
 *
 * Upper case rather than a full case fold on purpose: references are Latin letters and
 * digits in practice, and the simple mapping is the same in every JavaScript engine and
 * database, so the stored key never changes meaning.
 */
export function referenceKey(reference: string): string {
  return reference
    .normalize('NFKC')
    .replace(/[\s\p{Cf}]/gu, '')
    .toUpperCase()
}
