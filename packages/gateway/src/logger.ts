import pino, { type Logger } from 'pino'
import type { Config } from './config.js'

/**
 * Paths that must never reach a log line: credentials and the consumer's personal data.
 * Fastify's request serializer logs no headers or bodies; this is the second line of defence
 * for anything logged by hand.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.client_secret',
  '*.access_token',
  '*.secret',
  '*.password',
  '*.consumer',
  'consumer',
]

/**
 * Query parameters whose values are credentials, or may be: an access token sent as
 * `?access_token=` (RFC 6750 §2.3, which the gateway does not accept, but clients try), an
 * API key, a secret, a signature, an OAuth code. Matched in the parameter's name.
 */
const CREDENTIAL_PARAMETER = /token|secret|passw|pwd|key|sig|code|auth|credential|session|jwt|bearer/i

/**
 * A request URL as the log may show it: the value of every query parameter whose name looks
 * like a credential is replaced, so that a token sent in the URL is not kept by every log
 * line, log shipper and archive that holds the request line.
 */
export function redactUrl(requestUrl: string): string {
  // A confirmation link's token is the key to the consumer's page: its path is never logged.
  const url = requestUrl.replace(/^\/c\/[^/?#]+/, '/c/[redacted]')
  const query = url.indexOf('?')
  if (query === -1) return url
  const parameters = url
    .slice(query + 1)
    .split('&')
    .map((parameter) => {
      const [name = '', ...value] = parameter.split('=')
      let decoded = name
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '))
      } catch {
        // A malformed escape cannot be judged by its name: it is not shown at all.
        return value.length > 0 ? `${name}=[redacted]` : name
      }
      return CREDENTIAL_PARAMETER.test(decoded) && value.length > 0 ? `${name}=[redacted]` : parameter
    })
  return `${url.slice(0, query)}?${parameters.join('&')}`
}

/** The request as Fastify logs it, with its URL redacted; no headers, no body. */
export function serializeRequest(request: {
  method: string
  url: string
  ip?: string
  host?: string
  socket?: { remotePort?: number }
}) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}

/** Whether the logs are for people (`LOG_FORMAT=pretty`, or `auto` in a terminal) rather than JSON. */
export function prettyLogs(config: Pick<Config, 'logFormat'>): boolean {
  return config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true)
}

/**
 * A request's one line in pretty logs: `GET /v1/disputes?status=assigned 200 12 ms`, its URL
 * redacted like the JSON logs' (the request id follows it, as on every line of the request).
 */
export function requestLine(request: { method: string; url: string }, statusCode: number, ms: number) {
  return `${request.method} ${redactUrl(request.url)} ${statusCode} ${Math.round(ms)} ms`
}

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  const pretty = prettyLogs(config)
  return pino({
    level: config.logLevel,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: { req: serializeRequest },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              translateTime: 'SYS:HH:MM:ss.l',
              // The request id ends its request's lines instead of taking a line of its own.
              ignore: 'pid,hostname,request_id',
              messageFormat: '{msg}{if request_id} {request_id}{end}',
            },
          },
        }
      : {}),
  })
}
