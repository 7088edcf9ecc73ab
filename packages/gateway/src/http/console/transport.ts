import type { FastifyRequest } from 'fastify'

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/**
 * Whether the console may be used over this request's transport. The console verifies audit
 * proofs with WebCrypto, which browsers offer only in secure contexts: HTTPS, or the machine
 * itself. Behind a proxy, `HEJIE_TRUST_PROXY` makes `request.protocol` the client's.
 */
export function consoleTransport(request: FastifyRequest): { allowed: boolean; secure: boolean } {
  const secure = request.protocol === 'https'
  return { allowed: secure || loopbackHosts.has(request.hostname.toLowerCase()), secure }
}
