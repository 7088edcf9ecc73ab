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

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY)
  return pino({
    level: config.logLevel,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  })
}
