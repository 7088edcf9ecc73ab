import { EventEmitter } from 'node:events'

/**
 * Tells this process's dispatchers that deliveries became due: after a commit that fanned
 * events out, or after a retry or recovery. Other processes learn it from PostgreSQL's
 * NOTIFY on `hejie_webhooks`, or from their poll.
 */
const deliveriesDue = new EventEmitter()
deliveriesDue.setMaxListeners(0)

export const WAKE_CHANNEL = 'hejie_webhooks'

export function signalDeliveriesDue(): void {
  deliveriesDue.emit('due')
}

export function onDeliveriesDue(listener: () => void): () => void {
  deliveriesDue.on('due', listener)
  return () => deliveriesDue.off('due', listener)
}
