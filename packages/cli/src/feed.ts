import {
  APIConnectionError,
  type EventType,
  type Hejie,
  type HejieEvent,
  InternalServerError,
  RateLimitError,
} from '@hejie/sdk'
import { pause } from './stop-signal.js'

export interface FollowOptions {
  /** Start after this event id; from the first event the feed keeps without it. */
  after?: string | undefined
  types?: EventType[] | undefined
  /** Read what the feed holds and return, instead of waiting for more. */
  once: boolean
  /** How long to wait between polls once the feed is caught up. */
  intervalMs: number
  /** Stops following: the loop returns after the event in hand. */
  signal: AbortSignal
  onEvent(event: HejieEvent): void | Promise<void>
  /** A passing failure the loop waits out (gateway unreachable, 5xx, 429). */
  onTrouble(message: string): void
}

/** Failures that a later poll can cure; anything else (refused credentials, a bad `after`) ends the command. */
function passing(error: unknown): error is Error {
  return (
    error instanceof APIConnectionError ||
    error instanceof InternalServerError ||
    error instanceof RateLimitError
  )
}

const longestWaitMs = 30_000

/**
 * Follows the event feed with the SDK's iterator: every event after `after`, in commit
 * order, then polls for more every `intervalMs` until `signal` aborts. Each event's id
 * becomes the cursor once `onEvent` has finished with it, so an event is handed over once,
 * and none is skipped when the loop stops halfway through a page. Returns the cursor: the id
 * of the last event handled (or `after` if none was), to resume from.
 */
export async function followFeed(hejie: Hejie, options: FollowOptions): Promise<string | undefined> {
  const { signal } = options
  let cursor = options.after
  let failures = 0
  while (!signal.aborted) {
    try {
      const events = hejie.events.list({ after: cursor, types: options.types, limit: 100 }, { signal })
      for await (const event of events) {
        await options.onEvent(event)
        cursor = event.id
        if (signal.aborted) break
      }
      if (failures > 0) options.onTrouble('The gateway answers again; following the feed.')
      failures = 0
    } catch (error) {
      if (signal.aborted) break
      if (options.once || !passing(error)) throw error
      failures += 1
      const waitMs = Math.min(options.intervalMs * 2 ** failures, longestWaitMs)
      options.onTrouble(`${error.message}; trying again in ${Math.round(waitMs / 100) / 10} s.`)
      await pause(waitMs, signal)
      continue
    }
    if (options.once) break
    await pause(options.intervalMs, signal)
  }
  return cursor
}

/**
 * The id of the newest event of these types (to follow only what comes next), or
 * `undefined` when the feed has none yet. The feed is read forwards only, so this pages
 * through it, a thousand events a request.
 */
export async function endOfFeed(
  hejie: Hejie,
  types: EventType[] | undefined,
  signal: AbortSignal,
): Promise<string | undefined> {
  let page = await hejie.events.list({ types, limit: 1000 }, { signal })
  for (let next = await page.nextPage(); next; next = await next.nextPage()) page = next
  return page.next_cursor ?? undefined
}
