import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type HejieEvent, WebhookVerificationError, webhooks } from '@hejie/sdk'

export interface ReceiverOptions {
  /** The endpoint's `whsec_…` secret (from its creation, or from `hejie webhooks listen`). */
  secret: string
  /**
   * Records a genuine event, once per `webhook-id`. Keep it quick (store the event, queue a
   * job) and do the slow work elsewhere: Hejie waits at most 10 s for the answer, and a
   * throw here answers 500 so that Hejie sends the event again.
   */
  record(event: HejieEvent): void | Promise<void>
  /** The path deliveries are POSTed to; default `/webhooks`. */
  path?: string
  /** Where the receiver says what it did with each request; default the console. */
  log?: Pick<Console, 'log' | 'error'>
}

/** Hejie's own request limit: an event is far smaller. */
const maxBodyBytes = 1024 * 1024

/**
 * The `webhook-id`s recently recorded, and those being recorded right now. In memory, so a
 * restart forgets them: in production, de-duplicate where you store the event (a unique
 * key on the id), and the same check holds across restarts and instances.
 */
class RecentIds {
  readonly #done = new Set<string>()
  readonly #inFlight = new Set<string>()
  constructor(private readonly capacity: number) {}

  state(id: string): 'new' | 'in_flight' | 'done' {
    return this.#done.has(id) ? 'done' : this.#inFlight.has(id) ? 'in_flight' : 'new'
  }

  begin(id: string): void {
    this.#inFlight.add(id)
  }

  finish(id: string, recorded: boolean): void {
    this.#inFlight.delete(id)
    if (!recorded) return
    this.#done.add(id)
    // A Set iterates in insertion order: the first is the oldest.
    if (this.#done.size > this.capacity) this.#done.delete(this.#done.values().next().value as string)
  }
}

class BodyTooLarge extends Error {}

/** The body exactly as it arrived: the signature covers these bytes, not a re-encoding. */
async function rawBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBodyBytes) throw new BodyTooLarge()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

function answer(response: ServerResponse, status: number, text = '', headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers })
  response.end(text)
}

/**
 * An HTTP server (plain `node:http`) that receives Hejie webhooks on `POST /webhooks`:
 *
 * 1. reads the raw body and verifies it with `webhooks.verify` from `@hejie/sdk`
 *    (Standard Webhooks v1: signature, and a timestamp within five minutes) — 400 if it
 *    cannot be trusted;
 * 2. de-duplicates on the `webhook-id` header (the event id, the same on every retry):
 *    a repeat of a recorded event is answered 200 and not recorded again;
 * 3. hands the event to `record`, then answers 204.
 *
 * Call `listen()` on it as on any Node server.
 */
export function createReceiver(options: ReceiverOptions): Server {
  const { secret, record, path = '/webhooks', log = console } = options
  const recent = new RecentIds(10_000)

  const receive = async (request: IncomingMessage, response: ServerResponse) => {
    if (new URL(request.url ?? '/', 'http://receiver').pathname !== path) return answer(response, 404)
    if (request.method !== 'POST') return answer(response, 405, '', { allow: 'POST' })

    let body: Buffer
    try {
      body = await rawBody(request)
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error
      return answer(response, 413, 'Payload too large', { connection: 'close' })
    }

    let event: HejieEvent
    try {
      event = webhooks.verify(body, request.headers, secret)
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error
      log.error(`rejected a delivery: ${error.message}`)
      return answer(response, 400, error.message)
    }

    // verify() has checked that the header is there, and signed.
    const id = String(request.headers['webhook-id'])
    const seen = recent.state(id)
    if (seen === 'done') {
      log.log(`${id} ${event.type}: already recorded, answered again`)
      return answer(response, 200, 'Already recorded')
    }
    if (seen === 'in_flight') {
      // The same event in two requests at once: this one fails, and is sent again later.
      return answer(response, 409, 'This event is being recorded', { 'retry-after': '5' })
    }

    recent.begin(id)
    try {
      await record(event)
    } catch (error) {
      recent.finish(id, false)
      log.error(`${id} ${event.type}: not recorded, Hejie will send it again: ${String(error)}`)
      return answer(response, 500, 'Not recorded')
    }
    recent.finish(id, true)
    log.log(`${id} ${event.type}: verified and recorded`)
    answer(response, 204)
  }

  return createServer((request, response) => {
    receive(request, response).catch((error) => {
      log.error(`failed to answer a request: ${String(error)}`)
      if (!response.headersSent) answer(response, 500)
      else response.destroy()
    })
  })
}
