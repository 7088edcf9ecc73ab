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
