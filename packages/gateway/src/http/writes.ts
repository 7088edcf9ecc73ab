import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Principal } from '../domain/principal.js'
import { unstorableReasonInChinese, unstorableTextReason } from '../domain/storable-text.js'
import { problem } from '../errors.js'
import { requestHash, type WriteContext, type WriteOutcome } from '../services/write/index.js'
import { principalOf } from './authentication.js'

/** The `Idempotency-Key` header as the contract defines it. */
export const IdempotencyKeyHeader = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  description:
    'Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h).',
} as const

/** The headers every write accepts. */
export const WriteHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String(IdempotencyKeyHeader)),
})

/** The write context of an authenticated request: its actor, its id and its idempotency key. */
export function writeContextOf(request: FastifyRequest): WriteContext & { actor: Principal } {
  const key = request.headers['idempotency-key']
  if (Array.isArray(key))
    throw problem('validation_failed', {
      en: 'Send one Idempotency-Key header, not several.',
      zh: '只能发送一个 Idempotency-Key 请求头。',
    })
  if (key !== undefined && (key.length < 1 || key.length > 255)) {
    throw problem('validation_failed', {
      en: 'The Idempotency-Key must be 1–255 characters.',
      zh: 'Idempotency-Key 的长度须为 1–255 个字符。',
    })
  }
  const reason = key === undefined ? undefined : unstorableTextReason(key)
  if (reason) {
    const zh = unstorableReasonInChinese(reason)
    throw problem(
      'validation_failed',
      { en: `The Idempotency-Key ${reason}.`, zh: `Idempotency-Key ${zh}。` },
      {
        errors: [{ path: 'headers/idempotency-key', message: { en: reason, zh } }],
      },
    )
  }
  return {
    actor: principalOf(request),
    requestId: String(request.id),
    idempotency:
      key === undefined
        ? undefined
        : { key, requestHash: requestHash(request.method, request.url.split('?')[0] ?? '', request.body) },
  }
}

/** Answers with a write's outcome, marking a replayed idempotent response. */
export function sendWrite<T>(reply: FastifyReply, outcome: WriteOutcome<T>): FastifyReply {
  if (outcome.replayed) reply.header('idempotent-replayed', 'true')
  return reply.code(outcome.status).send(outcome.body)
}
