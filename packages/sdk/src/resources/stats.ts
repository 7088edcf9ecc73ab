import type { Hejie } from '../client.js'
import type { Operation, QueryParams } from '../internal/openapi-types.js'
import type { RequestOptions } from '../internal/transport.js'
import type { StatsReport } from '../models.js'

export type StatsRetrieveParams = QueryParams<Operation<'get', '/v1/stats'>>

/**
 * The regulator's indicators (和解成功率, 按时办结率, 响应率, 满意率, 解决率, …) over the
 * disputes assigned in a window; docs/stats.md gives every formula. A regulator sees every
 * enterprise (or one, with `enterprise_id`); an enterprise sees its own.
 */
export class Stats {
  constructor(private readonly client: Hejie) {}

  /**
   * Totals, or one element per enterprise, problem type or month (Beijing time) with
   * `group_by`. `from` is inclusive and `to` exclusive; without them, everything until now.
   */
  retrieve(params: StatsRetrieveParams = {}, options?: RequestOptions): Promise<StatsReport> {
    return this.client.get('/v1/stats', { query: params, options })
  }
}
