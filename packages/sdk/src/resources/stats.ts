import type { Hejie } from '../client.js'
import type { Operation, QueryParams } from '../internal/openapi-types.js'
import type { RequestOptions } from '../internal/transport.js'
import type { StatsReport } from '../models.js'

export type StatsRetrieveParams = QueryParams<Operation<'get', '/v1/stats'>>

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
}
