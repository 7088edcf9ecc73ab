import canonicalize from 'canonicalize'

/**
 * The RFC 8785 (JCS) bytes of a JSON value: what the audit log hashes and stores, and what
 * an idempotency key's request hash is taken over, so that two bodies that differ only in
 * key order or number spelling are the same request.
 */
export function canonicalBytes(value: unknown): Buffer {
  const text = canonicalize(value)
  if (text === undefined) throw new TypeError('value cannot be canonicalized')
  return Buffer.from(text, 'utf8')
}
