import type { Hejie } from '../client.js'
import type { Operation, QueryParams, RequestBody } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type {
  ConfirmationRequest,
  Contact,
  Dispute,
  DisputeStatus,
  Feedback,
  MediationRecord,
  Refund,
  Settlement,
  TimelineEntry,
} from '../models.js'
import type { PagePromise } from '../pagination.js'

type Body<P extends Parameters<Hejie['post']>[0]> = RequestBody<Operation<'post', P>>

// The CSV parameters are left out: `list` pages through JSON.
export type DisputeListParams = Omit<
  ListParams<QueryParams<Operation<'get', '/v1/disputes'>>>,
  'status' | 'format' | 'lang' | 'include_personal_data'
> & {
  /** One status, or several: disputes in any of them. */
  status?: DisputeStatus | DisputeStatus[]
}
export type DisputeRecordListParams = ListParams<QueryParams<Operation<'get', '/v1/disputes/{id}/contacts'>>>
export type DisputeTimelineParams = ListParams<QueryParams<Operation<'get', '/v1/disputes/{id}/timeline'>>>
export type DisputeCreateParams = Body<'/v1/disputes'>
export type DisputeAcceptParams = Body<'/v1/disputes/{id}/accept'>
export type DisputeDeclineParams = Body<'/v1/disputes/{id}/decline'>
export type DisputeRecordContactParams = Body<'/v1/disputes/{id}/contacts'>
export type DisputeRecordSettlementParams = Body<'/v1/disputes/{id}/settlements'>
export type DisputeRecordRefundParams = Body<'/v1/disputes/{id}/refunds'>
export type DisputeReportOutcomeParams = Body<'/v1/disputes/{id}/outcome'>
export type DisputeAssignParams = Body<'/v1/disputes/{id}/assign'>
export type DisputeEscalateParams = Body<'/v1/disputes/{id}/escalate'>
export type DisputeWithdrawParams = Body<'/v1/disputes/{id}/withdraw'>
export type DisputeCloseParams = Body<'/v1/disputes/{id}/close'>
export type DisputeRecordFeedbackParams = Body<'/v1/disputes/{id}/feedback'>
export type DisputeErasePersonalDataParams = Body<'/v1/disputes/{id}/erase-personal-data'>
export type DisputeUrgeParams = Body<'/v1/disputes/{id}/urge'>
export type DisputeRecordMediationParams = Body<'/v1/disputes/{id}/mediation-records'>

/** Options of an action on a dispute. */
export interface DisputeActionOptions extends RequestOptions {
  /**
   * Act only if the dispute is still at this version (`dispute.version`, or the `ETag` you
   * read); otherwise the call fails with `PreconditionFailedError` and changes nothing.
   */
  ifMatch?: number | string
}

function actionOptions({ ifMatch, ...options }: DisputeActionOptions = {}): RequestOptions {
  if (ifMatch === undefined) return options
  const etag = typeof ifMatch === 'number' ? `"${ifMatch}"` : ifMatch
  return { ...options, headers: { ...options.headers, 'if-match': etag } }
}

/**
 * Disputes: the enterprise accepts or declines what the regulator routes to it, records its
 * contacts with the consumer, the settlement and the refunds, and reports the outcome; the
 * regulator takes complaints in, routes, urges, escalates, mediates, withdraws, closes and
 * calls back.
 */
export class Disputes {
  constructor(private readonly client: Hejie) {}

  /**
   * Disputes visible to the caller, newest first; `await` for a page, `for await` for all. A
   * regulator sees those received in its subtree; `jurisdiction_id` narrows them to one
   * node and below.
   */
  list(params: DisputeListParams = {}, options?: RequestOptions): PagePromise<Dispute> {
    const { status, ...rest } = params
    const query = status === undefined ? rest : { ...rest, status: [status].flat() }
    return paginate(this.client, '/v1/disputes', { query, options })
  }

  retrieve(id: string, options?: RequestOptions): Promise<Dispute> {
    return this.client.get('/v1/disputes/{id}', { path: { id }, options })
  }

  /** Every change to the dispute, in order, each with its actor and its audit-log index. */
  /** The contacts recorded on a dispute, oldest first, each with the files it cites. */
  contacts(id: string, params: DisputeRecordListParams = {}, options?: RequestOptions): PagePromise<Contact> {
    return paginate(this.client, '/v1/disputes/{id}/contacts', { path: { id }, query: params, options })
  }

  /** The settlements recorded on a dispute, oldest first, each with the files it cites. */
  settlements(
    id: string,
    params: DisputeRecordListParams = {},
    options?: RequestOptions,
  ): PagePromise<Settlement> {
    return paginate(this.client, '/v1/disputes/{id}/settlements', { path: { id }, query: params, options })
  }

  /** The refunds recorded on a dispute, oldest first, each with the files it cites. */
  refunds(id: string, params: DisputeRecordListParams = {}, options?: RequestOptions): PagePromise<Refund> {
    return paginate(this.client, '/v1/disputes/{id}/refunds', { path: { id }, query: params, options })
  }

  /** The mediation sessions recorded on a dispute, oldest first, each with the files it cites. */
  mediationRecords(
    id: string,
    params: DisputeRecordListParams = {},
    options?: RequestOptions,
  ): PagePromise<MediationRecord> {
    return paginate(this.client, '/v1/disputes/{id}/mediation-records', {
      path: { id },
      query: params,
      options,
    })
  }

  timeline(
    id: string,
    params: DisputeTimelineParams = {},
    options?: RequestOptions,
  ): PagePromise<TimelineEntry> {
    return paginate(this.client, '/v1/disputes/{id}/timeline', { path: { id }, query: params, options })
  }

  // The enterprise's actions.

  /** `assigned` → `in_progress`: the enterprise takes the dispute on. */
  accept(id: string, params: DisputeAcceptParams = {}, options?: DisputeActionOptions): Promise<Dispute> {
    return this.client.post('/v1/disputes/{id}/accept', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** `assigned` → `returned`: the dispute goes back to the regulator, with the reason. */
  decline(id: string, params: DisputeDeclineParams, options?: DisputeActionOptions): Promise<Dispute> {
    return this.client.post('/v1/disputes/{id}/decline', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** Records a call, message or meeting with the consumer (reached or not). */
  recordContact(
    id: string,
    params: DisputeRecordContactParams,
    options?: DisputeActionOptions,
  ): Promise<Contact> {
    return this.client.post('/v1/disputes/{id}/contacts', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** `in_progress` → `settled`: the settlement agreed with the consumer, with their consent. */
  recordSettlement(
    id: string,
    params: DisputeRecordSettlementParams,
    options?: DisputeActionOptions,
  ): Promise<Settlement> {
    return this.client.post('/v1/disputes/{id}/settlements', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** A refund paid under the settlement; refunds never add up to more than the settled amount. */
  recordRefund(
    id: string,
    params: DisputeRecordRefundParams,
    options?: DisputeActionOptions,
  ): Promise<Refund> {
    return this.client.post('/v1/disputes/{id}/refunds', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** `fulfilled` closes a settled dispute; `not_settled` escalates it to administrative mediation. */
  reportOutcome(
    id: string,
    params: DisputeReportOutcomeParams,
    options?: DisputeActionOptions,
  ): Promise<Dispute> {
    return this.client.post('/v1/disputes/{id}/outcome', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  // The regulator's actions.

  /** Intake: routes a consumer complaint to an ODR enterprise (`external_ref` is unique). */
  create(params: DisputeCreateParams, options?: RequestOptions): Promise<Dispute> {
    return this.client.post('/v1/disputes', { body: params, options })
  }

  /** `returned` → `assigned`: routes a declined dispute to another enterprise. */
  assign(id: string, params: DisputeAssignParams, options?: DisputeActionOptions): Promise<Dispute> {
    return this.client.post('/v1/disputes/{id}/assign', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** Escalates an open dispute to administrative mediation. */
  escalate(id: string, params: DisputeEscalateParams, options?: DisputeActionOptions): Promise<Dispute> {
    return this.client.post('/v1/disputes/{id}/escalate', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** Closes an open dispute the consumer withdrew. */
  withdraw(id: string, params: DisputeWithdrawParams = {}, options?: DisputeActionOptions): Promise<Dispute> {
    return this.client.post('/v1/disputes/{id}/withdraw', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** Closes an escalated or returned dispute with its resolution. */
  close(id: string, params: DisputeCloseParams, options?: DisputeActionOptions): Promise<Dispute> {
    return this.client.post('/v1/disputes/{id}/close', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** The consumer callback (回访) on a closed dispute. */
  recordFeedback(
    id: string,
    params: DisputeRecordFeedbackParams,
    options?: DisputeActionOptions,
  ): Promise<Feedback> {
    return this.client.post('/v1/disputes/{id}/feedback', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /**
   * Asks the consumer to confirm the settlement (the consumer's own 回访): a one-time link
   * (`url`) to send them, and the 6-digit `code` the page asks for first, returned only
   * here. For the assignee or a regulator, once a settlement is recorded.
   */
  requestConfirmation(id: string, options?: RequestOptions): Promise<ConfirmationRequest> {
    return this.client.post('/v1/disputes/{id}/confirmation-requests', {
      path: { id },
      body: {},
      options,
    })
  }

  /** Erases the consumer's name and phone (PIPL); the audit log stays verifiable. */
  erasePersonalData(
    id: string,
    params: DisputeErasePersonalDataParams = {},
    options?: DisputeActionOptions,
  ): Promise<Dispute> {
    return this.client.post('/v1/disputes/{id}/erase-personal-data', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** Urges (督办) whoever holds the dispute, with a note and optionally a new deadline (regulators). */
  urge(id: string, params: DisputeUrgeParams, options?: DisputeActionOptions): Promise<Dispute> {
    return this.client.post('/v1/disputes/{id}/urge', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }

  /** Records a session of administrative mediation (行政调解) on an escalated dispute. */
  recordMediation(
    id: string,
    params: DisputeRecordMediationParams,
    options?: DisputeActionOptions,
  ): Promise<MediationRecord> {
    return this.client.post('/v1/disputes/{id}/mediation-records', {
      path: { id },
      body: params,
      options: actionOptions(options),
    })
  }
}
