import type { Hejie } from '../client.js'
import type { Operation, QueryParams } from '../internal/openapi-types.js'
import type { RequestOptions } from '../internal/transport.js'
import type { Ranking, StatsReport } from '../models.js'

/** The format of the answer is the method's: `retrieve` and `rankings` read JSON, the `…Csv` methods CSV. */
type Formatless<T> = Omit<T, 'format'>

export type StatsRetrieveParams = Formatless<QueryParams<Operation<'get', '/v1/stats'>>>
export type StatsRankingsParams = Formatless<QueryParams<Operation<'get', '/v1/stats/rankings'>>>

const CSV_TYPE = 'text/csv'

/**
 * The regulator's indicators (和解成功率, 按时办结率, 响应率, 满意率, 解决率, …) over the
 * disputes assigned in a window; docs/stats.md gives every formula. A regulator sees the
 * disputes received in its subtree (or one enterprise's, with `enterprise_id`, or one node's
 * and below, with `jurisdiction_id`); an enterprise sees its own.
 */
export class Stats {
  constructor(private readonly client: Hejie) {}

  /**
   * Totals, or one element per enterprise, problem type, month (Beijing time) or jurisdiction
   * where the dispute was received (not rolled up into its ancestors) with `group_by`. `from` is inclusive and `to` exclusive; without them, everything until now.
   */
  retrieve(params: StatsRetrieveParams = {}, options?: RequestOptions): Promise<StatsReport> {
    return this.client.get('/v1/stats', { query: params, options })
  }

  /** The same indicators as CSV (UTF-8, headers by `lang`: `zh` by default, or `en`). */
  csv(params: StatsRetrieveParams = {}, options?: RequestOptions): Promise<string> {
    return this.#csv(this.client.get('/v1/stats', { query: params, options: accepting(options) }))
  }

  /**
   * Regulators: the enterprises and handling units of the subtree ranked by `metric`, best
   * first (the fastest first for `avg_handling_hours`), ties sharing a rank, with the
   * indicators behind each rank. Assignees with fewer than `min_concluded` concluded
   * disputes (default 5) are left out and counted in `excluded_below_minimum`.
   */
  rankings(params: StatsRankingsParams, options?: RequestOptions): Promise<Ranking> {
    return this.client.get('/v1/stats/rankings', { query: params, options })
  }

  /** The ranking as CSV (UTF-8, headers by `lang`). */
  rankingsCsv(params: StatsRankingsParams, options?: RequestOptions): Promise<string> {
    return this.#csv(this.client.get('/v1/stats/rankings', { query: params, options: accepting(options) }))
  }

  async #csv(answer: Promise<unknown>): Promise<string> {
    const body: unknown = await answer
    if (typeof body !== 'string') throw new TypeError(`the gateway answered JSON, not ${CSV_TYPE}`)
    return body
  }
}

function accepting(options: RequestOptions | undefined): RequestOptions {
  return { ...options, headers: { ...options?.headers, accept: CSV_TYPE } }
}
