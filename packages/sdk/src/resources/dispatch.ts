import type { Hejie } from '../client.js'
import type { Operation, RequestBody } from '../internal/openapi-types.js'
import type { RequestOptions } from '../internal/transport.js'
import type { DispatchPreview } from '../models.js'

export type DispatchPreviewParams = RequestBody<Operation<'post', '/v1/dispatch/preview'>>

/** The dispatcher (接诉即办). */
export class Dispatch {
  constructor(private readonly client: Hejie) {}

  /**
   * What intake would do with this body, and why (`{ assignee, routing }`), changing
   * nothing: the same routing `hejie.disputes.create` runs.
   */
  preview(params: DispatchPreviewParams, options?: RequestOptions): Promise<DispatchPreview> {
    return this.client.post('/v1/dispatch/preview', { body: params, options })
  }
}
