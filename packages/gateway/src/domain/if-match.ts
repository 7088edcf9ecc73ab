/**
 * `If-Match` as RFC 9110 §13.1.1 defines it: `*`, or a list of entity tags. A dispute's ETag
 * is the strong tag `"<version>"`, and If-Match uses the strong comparison: a weak tag
 * (`W/"6"`) never matches, and neither does a tag of another form (`"v6"`).
 */
export type IfMatch = { kind: 'any' } | { kind: 'tags'; strong: readonly string[] }

const entityTag = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/

/** The parsed header, or undefined when it is neither `*` nor a list of entity tags. */
export function parseIfMatch(header: string): IfMatch | undefined {
  const value = header.trim()
  if (value === '*') return { kind: 'any' }
  const strong: string[] = []
  let seen = 0
  // Entity tags cannot contain a comma or a quote, so the list splits on commas.
  for (const element of value.split(',')) {
    const item = element.trim()
    if (item === '') continue // RFC 9110 §5.6.1: empty list elements are allowed and ignored
    const match = entityTag.exec(item)
    if (!match) return undefined
    seen += 1
    if (!match[1]) strong.push(match[2] ?? '')
  }
  return seen === 0 ? undefined : { kind: 'tags', strong }
}

/** Whether the header lets an action go ahead on an existing resource at this version. */
export function ifMatchAllows(ifMatch: IfMatch, version: number): boolean {
  return ifMatch.kind === 'any' || ifMatch.strong.includes(String(version))
}
