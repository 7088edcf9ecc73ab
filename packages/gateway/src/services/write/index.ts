/**
 * The write kernel, the bottom of the services: one transaction per write, in which the
 * change, its audit entries, its events with their webhook deliveries (the outbox) and its
 * idempotency record commit together or not at all. Every service that writes goes
 * through `runWrite`; dispatchers learn of new deliveries from `onDeliveriesDue` and
 * `WAKE_CHANNEL`.
 */
export type { EventRecord } from './events.js'
export { purgeIdempotencyRecords, requestHash } from './idempotency.js'
export {
  type AppendedProjection,
  runWrite,
  type WriteContext,
  type WriteOutcome,
  type WriteResponse,
  type WriteTransaction,
} from './run-write.js'
export type { TimelineLine } from './server-append.js'
export { onDeliveriesDue, signalDeliveriesDue, WAKE_CHANNEL } from './wake.js'
