/**
 * Cookies of the gateway's own HTML pages (the consumer's confirmation page, the console). A
 * cookie sent twice under one name is refused rather than guessed at: a second value can only
 * come from a cookie set for another path or by another origin's page.
 */

/** The value of one cookie in a Cookie header, if sent once. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  const values = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1))
  return values.length === 1 ? values[0] : undefined
}
