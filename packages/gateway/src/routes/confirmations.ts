import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problemResponse } from '../http/problem-schema.js'
import { sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import { IdParams } from '../schemas/common.js'
import { ConfirmationRequestBody } from '../schemas/confirmations.js'
import { type ConfirmationLinks, requestConfirmation } from '../services/confirmations/request.js'

/** Consumer confirmation: the assignee or a regulator sends the consumer a one-time link. */
export const confirmationRoutes: FastifyPluginAsyncTypebox<{ links: ConfirmationLinks }> = async (
  app,
  { links },
) => {
  app.post(
    '/v1/disputes/:id/confirmation-requests',
    {
      config: { access: { roles: ['regulator', 'enterprise', 'unit'], scope: 'disputes:write' } },
      // The request has no fields; it may be sent without a body.
      preValidation: async (request) => {
        request.body ??= {}
      },
      schema: {
        tags: ['disputes'],
        summary: 'Ask the consumer to confirm the settlement (回访): a one-time link and a 6-digit code',
        description:
          'For the assignee holding the dispute or a regulator, once a settlement is recorded (status `settled`, or closed as settled). Answers the link (`url`, under `HEJIE_PUBLIC_URL`) and the `code`, which is shown only in this answer. Emits `confirmation.requested` with the link and without the code, for an SMS gateway to send; Hejie sends no message itself. A newer request voids the older open links of the dispute. See docs/confirmation.md.',
        operationId: 'requestDisputeConfirmation',
        params: IdParams,
        headers: WriteHeaders,
        body: ConfirmationRequestBody,
        response: {
          201: Type.Ref('ConfirmationRequest'),
          403: problemResponse('The caller does not hold the dispute and is no regulator (`forbidden`)'),
          404: problemResponse('No such dispute visible to the caller (`not_found`)'),
          409: problemResponse(
            'No settlement to confirm (`no_settlement`), or the consumer has already answered (`consumer_already_answered`)',
          ),
        },
      },
    },
    async (request, reply) =>
      sendWrite(
        reply,
        await requestConfirmation(app.database, links, writeContextOf(request), request.params.id),
      ),
  )
}
