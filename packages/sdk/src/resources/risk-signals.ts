import type { Hejie } from '../client.js'
import type { Operation, QueryParams } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type { RiskSignal } from '../models.js'
import type { PagePromise } from '../pagination.js'

export type RiskSignalListParams = ListParams<QueryParams<Operation<'get', '/v1/risk-signals'>>>

/**
 * The watchlist (靶向监管): risk signals the gateway computes over calendar weeks, for
 * regulators, of their own subtree. A signal is stored when it first appears (the event
 * `risk_signal.raised`) and its numbers are kept up to date while its week is current.
 */
export class RiskSignals {
  constructor(private readonly client: Hejie) {}

  /** Newest first; `from`/`to` keep the signals whose week overlaps them, `kind` one kind. */
  list(params: RiskSignalListParams = {}, options?: RequestOptions): PagePromise<RiskSignal> {
    return paginate(this.client, '/v1/risk-signals', { query: params, options })
  }

  retrieve(id: string, options?: RequestOptions): Promise<RiskSignal> {
    return this.client.get('/v1/risk-signals/{id}', { path: { id }, options })
  }
}
