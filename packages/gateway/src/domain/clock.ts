/**
 * Where "now" comes from. Every service, worker and query that needs the time reads it
 * from the one clock of its deployment, never from `Date` directly, so that a deadline
 * test, or a sandbox whose clock an integrator moves forward, sees one consistent time.
 * Token lifetimes, key activation, timeouts and retry back-off stay on real time.
 */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/**
 * The sandbox's clock: real time plus an offset that only grows. The offset lives in the
 * database (services/sandbox/clock.ts) and each instance refreshes its copy, so the instances
 * of one sandbox agree on the time.
 */
export class OffsetClock implements Clock {
  #offsetMs = 0

  get offsetMs(): number {
    return this.#offsetMs
  }

  /** Takes a newer offset; an older one (read before another instance's move) is ignored. */
  advanceTo(offsetMs: number): void {
    if (offsetMs > this.#offsetMs) this.#offsetMs = offsetMs
  }

  now(): Date {
    return new Date(Date.now() + this.#offsetMs)
  }
}
