import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * Echoes the caller's `x-request-id` when it is a sane token (so one id follows a request
 * across systems), otherwise generates one. Anything else is replaced, not trusted, because
 * it ends up in logs.
 */
export function requestIdFrom(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id']
  if (typeof incoming === 'string' && acceptable.test(incoming)) return incoming
  return `req_${randomUUID().replaceAll('-', '')}`
}
