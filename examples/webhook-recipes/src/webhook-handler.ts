import type { IncomingMessage } from 'node:http'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type Dispute,
  type HejieEvent,
  type WebhookHeaders,
  WebhookVerificationError,
  webhooks,
} from '@hejie/sdk'

/*
 * What every recipe shares. The four recipes (fastify.ts, express.ts, koa.ts, node-http.ts)
 * only read the raw body, call `receive`, and send the answer it gives.
 */

/** Hejie's own request limit; an event is far smaller. */
export const maxBodyBytes = 1024 * 1024

// ---------------------------------------------------------------------------------------
// De-duplication: Hejie delivers at least once, so the same event can come again.

/** The event ids (the `webhook-id` header) already taken in. */
export interface SeenEvents {
  /** Notes the id; true the first time, false for an id noted before. */
  firstTime(id: string): Promise<boolean>
}

/**
 * Seen ids in memory, the most recent `capacity` of them. A restart forgets them and two
 * instances do not share them: in production, insert the event with its id as a unique key
 * (`INSERT … ON CONFLICT (event_id) DO NOTHING`) and treat "no row inserted" as a repeat.
 */
export class MemorySeenEvents implements SeenEvents {
  readonly #ids = new Set<string>()
  constructor(private readonly capacity = 10_000) {}

  async firstTime(id: string): Promise<boolean> {
    if (this.#ids.has(id)) return false
    this.#ids.add(id)
    // A Set iterates in insertion order: the first is the oldest.
    if (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.values().next().value as string)
    return true
  }
}

// ---------------------------------------------------------------------------------------
// Ordering: deliveries are sent concurrently and retried independently, so an older event
// can arrive after a newer one. Every event carries `sequence` (Hejie's commit order).

/** The newest snapshot of each dispute, with the `sequence` of the event that brought it. */
export interface DisputeStates {
  /** Stores the snapshot unless one from a later event is already stored; true if stored. */
  saveIfNewer(dispute: Dispute, sequence: number): Promise<boolean>
  get(id: string): Promise<{ dispute: Dispute; sequence: number } | undefined>
}

/**
 * Snapshots in memory. In production keep them in your database and make the write itself
 * conditional, so that two workers cannot race: `INSERT … ON CONFLICT (id) DO UPDATE SET …
 * WHERE disputes.sequence < excluded.sequence`.
 */
export class MemoryDisputeStates implements DisputeStates {
  readonly #states = new Map<string, { dispute: Dispute; sequence: number }>()

  async saveIfNewer(dispute: Dispute, sequence: number): Promise<boolean> {
    const held = this.#states.get(dispute.id)
    if (held && held.sequence >= sequence) return false
    this.#states.set(dispute.id, { dispute, sequence })
    return true
  }

  async get(id: string) {
    return this.#states.get(id)
  }
}

/** The dispute snapshot an event carries (the `dispute.*` events); other events carry records. */
function disputeOf(event: HejieEvent): Dispute | undefined {
  return event.data.object.object === 'dispute' ? (event.data.object as Dispute) : undefined
}

// ---------------------------------------------------------------------------------------
// The handler the recipes call.

export interface WebhookAnswer {
  status: number
  text: string
}

export interface ProcessContext {
  /**
   * True when the event carries a dispute snapshot older than the one already stored: its
   * state was not saved. Act on the event as a fact if you need to (it did happen), but do
   * not trust its `status`; when in doubt, read the dispute (`hejie.disputes.retrieve`).
   */
  outdated: boolean
}

export interface HandlerOptions {
  /** The endpoint's `whsec_…` secret, shown when the endpoint was created. */
  secret: string
  /** Your work for an event: once per event id, after Hejie has had its answer. */
  onEvent?: (event: HejieEvent, context: ProcessContext) => void | Promise<void>
  seen?: SeenEvents
  disputes?: DisputeStates
  log?: Pick<Console, 'log' | 'error'>
}

export interface WebhookHandler {
  /** Verifies a delivery, takes it in once, and says what to answer. Never throws for bad input. */
  receive(rawBody: Buffer | string, headers: WebhookHeaders): Promise<WebhookAnswer>
  /** Resolves once every event taken in so far has been processed (for shutdown and tests). */
  idle(): Promise<void>
}

/**
 * Answers Hejie at once and processes afterwards, one event at a time, in the order they
 * arrived: Hejie waits 10 seconds at most and counts anything slower as a failure.
 *
 * The queue here lives in memory, so an event answered but not yet processed is lost if the
 * process dies. In production store the event durably before answering (the insert that
 * de-duplicates is that store) and let a worker process the stored events.
 */
export function createWebhookHandler(options: HandlerOptions): WebhookHandler {
  const {
    secret,
    onEvent = () => {},
    seen = new MemorySeenEvents(),
    disputes = new MemoryDisputeStates(),
    log = console,
  } = options
  let queue = Promise.resolve()

  async function processEvent(event: HejieEvent) {
    const dispute = disputeOf(event)
    const outdated = dispute ? !(await disputes.saveIfNewer(dispute, event.sequence)) : false
    if (outdated)
      log.log(`${event.id} ${event.type} #${event.sequence}: older than the state held, not saved`)
    await onEvent(event, { outdated })
    log.log(`${event.id} ${event.type} #${event.sequence}: processed`)
  }

  function enqueue(event: HejieEvent) {
    queue = queue
      // setImmediate: the answer goes out before the work starts.
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => processEvent(event))
      .catch((error: unknown) => log.error(`${event.id} ${event.type}: processing failed: ${String(error)}`))
  }

  return {
    async receive(rawBody, headers) {
      let event: HejieEvent
      try {
        event = webhooks.verify(rawBody, headers, secret)
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error
        log.error(`refused a delivery: ${error.message}`)
        // Not from Hejie with this secret: nothing of it is processed. Hejie retries any
        // non-2xx answer, so a receiver with a stale secret catches up once it is fixed.
        return { status: 401, text: error.message }
      }
      // The event id is the `webhook-id` header, which verify() checked is signed.
      if (!(await seen.firstTime(event.id))) {
        log.log(`${event.id} ${event.type}: already received`)
        return { status: 200, text: 'Already received' }
      }
      enqueue(event)
      return { status: 202, text: 'Accepted' }
    },
    idle: () => queue,
  }
}

// ---------------------------------------------------------------------------------------
// Helpers for the recipes that read the body themselves (Koa, node:http).

export class BodyTooLargeError extends Error {}

/** The body exactly as it arrived: the signature covers these bytes, not a re-encoding. */
export async function readRawBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBodyBytes) throw new BodyTooLargeError('The body is over 1 MiB')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

// ---------------------------------------------------------------------------------------
// Running a recipe on its own: `node dist/express.js`.

/** True when the module at `moduleUrl` is the script Node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl)
}

/**
 * What a recipe run on its own needs: a handler that logs each event, and where to listen,
 * from the environment. Exits with a hint when the secret is missing.
 */
export function standaloneFromEnvironment(framework: string) {
  const secret = process.env.HEJIE_WEBHOOK_SECRET
  if (!secret?.startsWith('whsec_')) {
    console.error("Set HEJIE_WEBHOOK_SECRET to the endpoint's whsec_… secret.")
    process.exit(1)
  }
  const port = Number(process.env.PORT ?? 4242)
  const host = process.env.HOST ?? '127.0.0.1'
  const handler = createWebhookHandler({
    secret,
    onEvent: (event, { outdated }) => {
      const dispute = disputeOf(event)
      const state = dispute
        ? ` dispute ${dispute.id} is ${dispute.status}${outdated ? ' (outdated)' : ''}`
        : ''
      console.log(`#${event.sequence} ${event.type}:${state}`)
    },
  })
  const listening = (actualPort: number) =>
    console.log(`${framework} receiving Hejie webhooks on http://${host}:${actualPort}/webhooks`)
  return { handler, port, host, listening }
}
