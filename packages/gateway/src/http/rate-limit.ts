import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { ProblemError } from '../errors.js'

export interface RateLimitOptions {
  max: number
  windowMs: number
  /** Shared counters for several gateway instances; in memory when absent. */
  redisUrl?: string | undefined
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who this request counts against; authentication sets it to the API client. */
    rateLimitSubject: string | null
  }
}

function subjectOf(request: FastifyRequest): string {
  return request.rateLimitSubject ?? `ip:${request.ip}`
}

/**
 * Per-client rate limiting with the IETF draft headers (`ratelimit-limit`,
 * `ratelimit-remaining`, `ratelimit-reset`, `retry-after`). It runs after authentication
 * (`preParsing`) so that every API client has its own budget.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: RateLimitOptions) => {
    const redis = options.redisUrl
      ? new Redis(options.redisUrl, { connectTimeout: 2000, maxRetriesPerRequest: 1, lazyConnect: false })
      : undefined
    if (redis) app.addHook('onClose', async () => void (await redis.quit()))
    app.decorateRequest('rateLimitSubject', null)
    await app.register(rateLimit, {
      global: true,
      hook: 'preParsing',
      max: options.max,
      timeWindow: options.windowMs,
      enableDraftSpec: true,
      nameSpace: 'hejie-rate-limit:',
      ...(redis ? { redis } : {}),
      keyGenerator: subjectOf,
      errorResponseBuilder: (_request, context) =>
        new ProblemError(
          'rate_limited',
          `The limit of ${context.max} requests per window is used up; retry in ${context.after}.`,
        ),
    })
  },
  { name: 'hejie-rate-limit', fastify: '5.x' },
)
