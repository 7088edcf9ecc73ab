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
    /**
     * Who this request counts against: the API client of a token this instance has already
     * verified (set before the limiter runs, without verifying anything), else the address.
     */
    rateLimitSubject: string | null
  }
}

function subjectOf(request: FastifyRequest): string {
  return request.rateLimitSubject ?? `ip:${request.ip}`
}

/**
 * Rate limiting with the IETF draft headers (`ratelimit-limit`, `ratelimit-remaining`,
 * `ratelimit-reset`, `retry-after`). It counts every request, before its token is verified
 * (`onRequest`, ahead of the authentication hook of each route): a request without a token,
 * or with a bad one, counts against its source address, so that guessing or replaying tokens
 * is throttled like anything else and never costs a signature check past the budget. A token
 * this instance has verified before counts against its API client, so every client keeps its
 * own budget behind a shared address.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: RateLimitOptions) => {
    const redis = options.redisUrl
      ? new Redis(options.redisUrl, { connectTimeout: 2000, maxRetriesPerRequest: 1, lazyConnect: false })
      : undefined
    if (redis) {
      // Without a listener ioredis prints connection errors to stderr itself; they belong in
      // the gateway's log, and it reconnects on its own.
      redis.on('error', (error: Error) =>
        app.log.warn({ err: error }, 'rate limit store: Redis connection error'),
      )
      app.addHook('onClose', async () => void (await redis.quit()))
    }
    app.decorateRequest('rateLimitSubject', null)
    await app.register(rateLimit, {
      global: true,
      hook: 'onRequest',
      max: options.max,
      timeWindow: options.windowMs,
      enableDraftSpec: true,
      nameSpace: 'hejie-rate-limit:',
      ...(redis ? { redis } : {}),
      keyGenerator: subjectOf,
      errorResponseBuilder: (_request, context) =>
        new ProblemError('rate_limited', {
          en: `The limit of ${context.max} requests per window is used up; retry in ${context.after}.`,
          zh: `本时间窗口内 ${context.max} 次请求的额度已用完；请在 ${context.after} 后重试。`,
        }),
    })
  },
  { name: 'hejie-rate-limit', fastify: '5.x' },
)
