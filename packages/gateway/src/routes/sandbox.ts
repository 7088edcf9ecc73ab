import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { PhoneKeyer } from '../domain/phone-key.js'
import { problem } from '../errors.js'
import { problemResponse } from '../http/problem-schema.js'
import { sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import { ClockAdvanceRequest, SandboxDisputesRequest } from '../schemas/sandbox.js'
import type { DeadlinePolicy } from '../services/disputes/deadline-policy.js'
import { scanDeadlines } from '../services/disputes/deadline-scan.js'
import { scanMediationDeadlines } from '../services/disputes/mediation-scan.js'
import { advanceClock, presentClock, storedOffset } from '../services/sandbox/clock.js'
import { generateDisputes } from '../services/sandbox/disputes.js'

const anyClient = { roles: ['regulator', 'enterprise', 'unit'] } as const

const errors = {
  401: problemResponse('No valid access token'),
  403: problemResponse('Witness clients do not use the sandbox'),
  404: problemResponse(
    'The gateway is not a sandbox (started without `--sandbox`): sandbox routes do not exist',
  ),
}

/**
 * The sandbox (API.md "Sandbox"; docs/sandbox.md): routes that exist only in a gateway
 * started with `--sandbox`. Elsewhere they answer 404 like any unknown path, but they stay
 * in the spec, marked as sandbox-only, so that the SDK can call them.
 */
export const sandboxRoutes: FastifyPluginAsyncTypebox<{
  enabled: boolean
  deadlines: DeadlinePolicy
  phoneKeyer: PhoneKeyer
}> = async (app, { enabled, deadlines, phoneKeyer }) => {
  app.addHook('onRequest', (_request: FastifyRequest, _reply, done) => {
    done(
      enabled
        ? undefined
        : problem('not_found', {
            en: 'No such route: this gateway is not a sandbox.',
            zh: '没有此路由：本网关不是沙箱环境。',
          }),
    )
  })

  app.get(
    '/v1/sandbox/clock',
    {
      config: { access: anyClient },
      schema: {
        tags: ['sandbox'],
        summary: 'The sandbox’s clock',
        operationId: 'getSandboxClock',
        response: { 200: Type.Ref('SandboxClock'), ...errors },
      },
    },
    async () => {
      const { offsetMs, movedAt } = await storedOffset(app.database.db)
      return presentClock(offsetMs, movedAt)
    },
  )

  app.post(
    '/v1/sandbox/clock',
    {
      config: { access: anyClient },
      schema: {
        tags: ['sandbox'],
        summary: 'Move the sandbox’s clock forward',
        description:
          'Moves the gateway’s “now” forward for every instance, never back. Deadlines, scanners and timestamps follow; token lifetimes stay on real time. The deadline scan runs before the answer, so the events of deadlines the move passed are in the feed when it returns.',
        operationId: 'advanceSandboxClock',
        headers: WriteHeaders,
        body: ClockAdvanceRequest,
        response: { 200: Type.Ref('SandboxClock'), ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await advanceClock(
        app.database,
        writeContextOf(request),
        deadlines.calendar,
        request.body.advance,
      )
      if (!outcome.replayed) {
        await scanDeadlines(app.database, deadlines)
        await scanMediationDeadlines(app.database, deadlines)
      }
      return sendWrite(reply, outcome)
    },
  )

  app.post(
    '/v1/sandbox/disputes',
    {
      config: { access: { roles: ['regulator'], scope: 'disputes:write' } },
      schema: {
        tags: ['sandbox'],
        summary: 'Generate realistic complaints, in Chinese, through intake',
        description:
          'Each complaint is drawn from the ten problem types and taken in through the real intake, in a write of its own, as the caller: to `enterprise_id`, or, without it, placed by the dispatcher (an ODR enterprise by its credit code, or a small business by the routing rules). Every dispute made carries `sandbox: true`; its simulated consumer answers confirmation requests as `scenario` says.',
        operationId: 'createSandboxDisputes',
        body: SandboxDisputesRequest,
        response: {
          201: Type.Ref('SandboxDisputeList'),
          ...errors,
          403: problemResponse('Only regulators take complaints in'),
          422: problemResponse(
            '`enterprise_not_active`: no active ODR enterprise has that id; or `no_dispatch_target`',
          ),
        },
      },
    },
    async (request, reply) => {
      const { actor, requestId } = writeContextOf(request)
      const made = await generateDisputes(
        app.database,
        deadlines,
        { actor, requestId },
        request.body,
        phoneKeyer,
      )
      return reply.code(201).send(made)
    },
  )
}
