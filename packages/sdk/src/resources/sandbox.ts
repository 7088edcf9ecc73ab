import type { Hejie } from '../client.js'
import type { Operation, RequestBody } from '../internal/openapi-types.js'
import type { RequestOptions } from '../internal/transport.js'
import type { SandboxClock, SandboxDisputeList } from '../models.js'

/** How far to move the clock: working days (Asia/Shanghai calendar) and hours, added together. */
export type ClockAdvance = RequestBody<Operation<'post', '/v1/sandbox/clock'>>['advance']

/** The sandbox's movable clock. */
export class SandboxClockResource {
  constructor(private readonly client: Hejie) {}

  /** The gateway's "now", real time, and the offset between them. */
  retrieve(options?: RequestOptions): Promise<SandboxClock> {
    return this.client.get('/v1/sandbox/clock', { options })
  }

  /**
   * Moves the gateway's "now" forward for every instance (never back). The deadline scan
   * runs before the answer, so the events of deadlines the move passed are already in the feed.
   */
  advance(advance: ClockAdvance, options?: RequestOptions): Promise<SandboxClock> {
    return this.client.post('/v1/sandbox/clock', { body: { advance }, options })
  }
}

/** What to generate: `count` complaints, for `enterprise_id` or through the dispatcher, and how their consumer answers. */
export type SandboxDisputesParams = RequestBody<Operation<'post', '/v1/sandbox/disputes'>>

/** Complaints the sandbox makes up, in Chinese, taken in through the real intake (regulators). */
export class SandboxDisputes {
  constructor(private readonly client: Hejie) {}

  /**
   * Takes in `count` generated complaints, each in a write of its own; every dispute made
   * carries `sandbox: true`. Not idempotent: a retry generates more.
   */
  create(params: SandboxDisputesParams, options?: RequestOptions): Promise<SandboxDisputeList> {
    return this.client.post('/v1/sandbox/disputes', { body: params, options })
  }
}

/**
 * Only against a gateway started with `--sandbox` (`pnpm start` in the repository); any
 * other gateway answers 404 (`NotFoundError`).
 */
export class Sandbox {
  readonly clock: SandboxClockResource
  readonly disputes: SandboxDisputes

  constructor(client: Hejie) {
    this.clock = new SandboxClockResource(client)
    this.disputes = new SandboxDisputes(client)
  }
}
