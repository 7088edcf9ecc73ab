import type { FastifyBaseLogger } from 'fastify'
import pg from 'pg'

export interface WakeListener {
  /** Resolves once the first LISTEN is in place (or its first attempt failed). */
  readonly ready: Promise<void>
  /** The server process of the current connection, while one is listening. */
  readonly backendPid: number | undefined
  stop(): Promise<void>
}

export interface WakeListenerOptions {
  url: string
  channel: string
  /** Called on every notification, and once after each reconnection. */
  wake: () => void
  log: FastifyBaseLogger
  /** Delays between reconnection attempts, the last one repeated; default 0.5 s up to 30 s. */
  reconnectDelaysMs?: readonly number[]
}

const defaultDelays = [500, 1000, 2000, 5000, 10_000, 30_000]

/**
 * A dedicated PostgreSQL connection that LISTENs on a channel and comes back when it is lost
 * (a restarted server, a failover, an idle connection cut by a proxy). A notification sent
 * while it was away is not replayed by PostgreSQL, so it wakes the caller once after each
 * reconnection; the caller's poll covers the time it takes to get there.
 */
export function startWakeListener(options: WakeListenerOptions): WakeListener {
  const { url, channel, wake, log } = options
  const delays = options.reconnectDelaysMs ?? defaultDelays
  let client: pg.Client | undefined
  let stopped = false
  let failures = 0
  let retry: NodeJS.Timeout | undefined

  const scheduleReconnect = () => {
    if (stopped || retry) return
    const delay = delays[Math.min(failures, delays.length - 1)] ?? 1000
    failures += 1
    retry = setTimeout(() => {
      retry = undefined
      void connect(true)
    }, delay)
    retry.unref()
  }

  const connect = async (reconnecting: boolean): Promise<void> => {
    const candidate = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
    candidate.on('notification', () => wake())
    // pg emits `error` and then `end` for a lost connection, and `end` alone for a clean
    // close by the server; either way the connection is gone.
    let lost = false
    const onLost = (err?: Error) => {
      if (lost) return
      lost = true
      if (client === candidate) client = undefined
      if (stopped) return
      log.warn({ err }, 'webhook wake-up connection lost; polling until it is back')
      scheduleReconnect()
    }
    candidate.on('error', onLost)
    candidate.on('end', () => onLost())
    try {
      await candidate.connect()
      await candidate.query(`LISTEN ${candidate.escapeIdentifier(channel)}`)
    } catch (err) {
      lost = true
      await candidate.end().catch(() => {})
      if (stopped) return
      log.warn({ err }, 'could not LISTEN for webhook wake-ups; polling until it works')
      scheduleReconnect()
      return
    }
    if (stopped) {
      await candidate.end().catch(() => {})
      return
    }
    client = candidate
    failures = 0
    if (reconnecting) {
      log.info('webhook wake-up connection restored')
      wake()
    }
  }

  const ready = connect(false)

  return {
    ready,
    get backendPid() {
      return (client as (pg.Client & { processID?: number }) | undefined)?.processID
    },
    async stop() {
      stopped = true
      if (retry) clearTimeout(retry)
      await ready
      await client?.end().catch(() => {})
      client = undefined
    },
  }
}
