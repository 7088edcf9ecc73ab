import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { type DisputeAction, disputeStatuses, rolesOf } from '../domain/disputes/lifecycle.js'
import type { PhoneKeyer } from '../domain/phone-key.js'
import { principalOf } from '../http/authentication.js'
import { csvStream, jsonOrCsv, sendCsv, wantsCsv } from '../http/csv.js'
import { PageQuery } from '../http/pagination.js'
import { problemResponse } from '../http/problem-schema.js'
import { IdempotencyKeyHeader, sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import { IdParams, StringEnum, Timestamp } from '../schemas/common.js'
import { CsvQuery } from '../schemas/csv.js'
import { actionBodies, IntakeBody, problemTypes } from '../schemas/disputes.js'
import { type ActionRequest, act } from '../services/disputes/actions.js'
import { disputeColumns } from '../services/disputes/csv-columns.js'
import type { DeadlinePolicy } from '../services/disputes/deadline-policy.js'
import {
  checkPersonalDataExport,
  exportDisputes,
  recordPersonalDataExport,
} from '../services/disputes/export.js'
import { intake } from '../services/disputes/intake.js'
import { disputeTimeline, getDispute, listDisputes } from '../services/disputes/queries.js'
import { listRecords, type RecordKind, recordKindNames } from '../services/disputes/record-lists.js'
import type { WriteOutcome } from '../services/write/index.js'

const reads = { roles: ['regulator', 'enterprise', 'unit'], scope: 'disputes:read' } as const
const writesBy = (action: DisputeAction) => ({ roles: rolesOf(action), scope: 'disputes:write' }) as const

const errors = {
  400: problemResponse('The request is not valid'),
  401: problemResponse('No valid access token'),
  403: problemResponse('The caller’s role or scopes do not allow this'),
  404: problemResponse('No such dispute visible to the caller'),
}
const actionErrors = {
  ...errors,
  409: problemResponse('Not allowed in the current status (`invalid_transition`), or a duplicate'),
  412: problemResponse('If-Match does not match the dispute’s version'),
  422: problemResponse('The request cannot be carried out (e.g. `refund_exceeds_settlement`)'),
}
/** An action's headers: a write's, and `If-Match` to act only on the version the caller saw. */
const ActionHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String(IdempotencyKeyHeader)),
  'if-match': Type.Optional(
    Type.String({ description: 'The dispute’s ETag (`"<version>"`): act only on that version.' }),
  ),
})

/** How each action is documented and answered: with the dispute (200) or with the record it creates (201). */
const actionDocs: Record<DisputeAction, { summary: string; operationId: string; created?: string }> = {
  accept: { summary: 'Accept a dispute assigned to the enterprise', operationId: 'acceptDispute' },
  decline: { summary: 'Decline a dispute (it returns to the regulator)', operationId: 'declineDispute' },
  contacts: {
    summary: 'Record a contact with the consumer',
    operationId: 'recordDisputeContact',
    created: 'Contact',
  },
  settlements: {
    summary: 'Record the settlement agreed with the consumer',
    operationId: 'recordDisputeSettlement',
    created: 'Settlement',
  },
  refunds: {
    summary: 'Record a refund paid under the settlement',
    operationId: 'recordDisputeRefund',
    created: 'Refund',
  },
  outcome: {
    summary: 'Report the outcome: fulfilled (closes) or not settled (escalates)',
    operationId: 'reportDisputeOutcome',
  },
  assign: {
    summary: 'Route a returned dispute, or one waiting at the centre, to an enterprise or a handling unit',
    operationId: 'assignDispute',
  },
  escalate: { summary: 'Escalate to administrative mediation', operationId: 'escalateDispute' },
  withdraw: { summary: 'Close a dispute the consumer withdrew', operationId: 'withdrawDispute' },
  close: { summary: 'Close an escalated or returned dispute', operationId: 'closeDispute' },
  feedback: {
    summary: 'Record the consumer callback (回访) on a closed dispute',
    operationId: 'recordDisputeFeedback',
    created: 'Feedback',
  },
  urge: {
    summary: 'Urge (督办) the assignee: a note, and optionally a new deadline',
    operationId: 'urgeDispute',
  },
  'mediation-records': {
    summary: 'Record a session of administrative mediation (行政调解) on an escalated dispute',
    operationId: 'recordDisputeMediation',
    created: 'MediationRecord',
  },
  'erase-personal-data': {
    summary: 'Erase the consumer’s name and phone (PIPL); audit proofs stay valid',
    operationId: 'eraseDisputePersonalData',
  },
}

function sendDisputeWrite(reply: FastifyReply, outcome: WriteOutcome<unknown>): FastifyReply {
  const body = outcome.body as { object?: string; version?: number }
  if (body.object === 'dispute' && body.version !== undefined) reply.header('etag', `"${body.version}"`)
  return sendWrite(reply, outcome)
}

/** Disputes: intake and routing by the regulator, settlement and outcome by the enterprise. */
export const disputeRoutes: FastifyPluginAsyncTypebox<{
  deadlines: DeadlinePolicy
  phoneKeyer: PhoneKeyer
}> = async (app, { deadlines, phoneKeyer }) => {
  app.post(
    '/v1/disputes',
    {
      config: { access: { roles: ['regulator'], scope: 'disputes:write' } },
      schema: {
        tags: ['disputes'],
        summary:
          'Intake: route a consumer complaint to an enterprise or a handling unit (the dispatcher chooses when none is named)',
        operationId: 'createDispute',
        headers: WriteHeaders,
        body: IntakeBody,
        response: {
          201: Type.Ref('Dispute'),
          ...errors,
          409: problemResponse('The intake ticket (`external_ref`) is already a dispute'),
          422: problemResponse(
            'The enterprise does not take new disputes, or no dispatch target exists (`no_dispatch_target`)',
          ),
        },
      },
    },
    async (request, reply) =>
      sendDisputeWrite(
        reply,
        await intake(app.database, deadlines, writeContextOf(request), request.body, phoneKeyer),
      ),
  )

  app.get(
    '/v1/disputes',
    {
      config: { access: reads },
      schema: {
        tags: ['disputes'],
        summary: 'List disputes, newest first',
        description:
          'With `Accept: text/csv` or `format=csv`, the whole filtered set as one CSV download (`limit` and `cursor` do not apply), consumers masked unless a regulator asks `include_personal_data=true`, which is recorded in the audit log (`personal_data.exported`).',
        operationId: 'listDisputes',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(Type.Array(StringEnum(disputeStatuses))),
          enterprise_id: Type.Optional(Type.String({ maxLength: 64, description: 'Regulators only.' })),
          assignee: Type.Optional(
            Type.String({
              maxLength: 64,
              description: 'Held by this enterprise (`ent_…`) or handling unit (`hnu_…`).',
            }),
          ),
          awaiting_dispatch: Type.Optional(
            Type.Boolean({
              description:
                "Waiting at a centre to be dispatched by hand (no deadline yet): the centre's queue.",
            }),
          ),
          jurisdiction_id: Type.Optional(
            Type.String({ maxLength: 64, description: 'Received in this jurisdiction or below it.' }),
          ),
          overdue: Type.Optional(Type.Boolean()),
          problem_type: Type.Optional(StringEnum(problemTypes)),
          external_ref: Type.Optional(Type.String({ maxLength: 100 })),
          created_after: Type.Optional(Timestamp),
          created_before: Type.Optional(Timestamp),
          ...CsvQuery,
          include_personal_data: Type.Optional(
            Type.Boolean({
              description:
                'CSV, regulators only: the consumers’ names and phones in the clear; the export is audited. Anyone else asking is refused (403).',
            }),
          ),
        }),
        response: { 200: jsonOrCsv('A page of disputes, or all of them as CSV', 'DisputeList'), ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      const now = app.database.clock.now()
      const {
        include_personal_data: unmasked = false,
        format,
        lang,
        limit,
        cursor,
        ...filters
      } = request.query
      checkPersonalDataExport(principal, unmasked)
      if (!wantsCsv(request)) return listDisputes(app.database.db, principal, request.query, now)
      const rows = await exportDisputes(app.database.db, principal, filters, now, unmasked)
      if (unmasked) await recordPersonalDataExport(app.database, writeContextOf(request), filters)
      return sendCsv(reply, 'hejie-disputes.csv', csvStream(disputeColumns, lang ?? 'zh', rows))
    },
  )

  app.get(
    '/v1/disputes/:id',
    {
      config: { access: reads },
      schema: {
        tags: ['disputes'],
        summary: 'Get a dispute',
        operationId: 'getDispute',
        params: IdParams,
        response: { 200: Type.Ref('Dispute'), ...errors },
      },
    },
    async (request, reply) => {
      const dispute = await getDispute(
        app.database.db,
        principalOf(request),
        request.params.id,
        app.database.clock.now(),
      )
      reply.header('etag', `"${dispute.version}"`)
      return dispute
    },
  )

  app.get(
    '/v1/disputes/:id/timeline',
    {
      config: { access: reads },
      schema: {
        tags: ['disputes'],
        summary: 'Every change to a dispute, in order, with actor and time (each an audit-log entry)',
        operationId: 'getDisputeTimeline',
        params: IdParams,
        querystring: Type.Object({
          ...PageQuery,
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
        }),
        response: { 200: Type.Ref('Timeline'), ...errors },
      },
    },
    async (request) =>
      disputeTimeline(app.database.db, principalOf(request), request.params.id, request.query),
  )

  const recordLists: Record<RecordKind, { schema: string; summary: string; operationId: string }> = {
    contacts: {
      schema: 'ContactList',
      summary: 'The contacts recorded with the consumer, oldest first, with their evidence',
      operationId: 'listDisputeContacts',
    },
    settlements: {
      schema: 'SettlementList',
      summary: 'The settlements recorded, oldest first, with their evidence',
      operationId: 'listDisputeSettlements',
    },
    refunds: {
      schema: 'RefundList',
      summary: 'The refunds recorded, oldest first, with their evidence',
      operationId: 'listDisputeRefunds',
    },
    'mediation-records': {
      schema: 'MediationRecordList',
      summary: 'The sessions of administrative mediation recorded, oldest first, with their evidence',
      operationId: 'listDisputeMediationRecords',
    },
  }
  for (const kind of recordKindNames) {
    const docs = recordLists[kind]
    app.get(
      `/v1/disputes/:id/${kind}`,
      {
        config: { access: reads },
        schema: {
          tags: ['disputes'],
          summary: docs.summary,
          operationId: docs.operationId,
          params: IdParams,
          querystring: Type.Object(PageQuery),
          response: { 200: Type.Ref(docs.schema), ...errors },
        },
      },
      async (request) =>
        listRecords(app.database.db, principalOf(request), request.params.id, kind, request.query),
    )
  }

  for (const action of Object.keys(actionDocs) as DisputeAction[]) {
    const docs = actionDocs[action]
    app.post(
      `/v1/disputes/:id/${action}`,
      {
        config: { access: writesBy(action) },
        // An action without fields may be sent without a body.
        preValidation: async (request) => {
          request.body ??= {}
        },
        schema: {
          tags: ['disputes'],
          summary: docs.summary,
          operationId: docs.operationId,
          params: IdParams,
          headers: ActionHeaders,
          body: actionBodies[action],
          response: docs.created
            ? { 201: Type.Ref(docs.created), ...actionErrors }
            : { 200: Type.Ref('Dispute'), ...actionErrors },
        },
      },
      async (request, reply) => {
        const outcome = await act(
          app.database,
          deadlines,
          writeContextOf(request),
          request.params.id,
          { action, body: request.body } as ActionRequest,
          request.headers['if-match'],
        )
        return sendDisputeWrite(reply, outcome)
      },
    )
  }
}
