import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.js'
import type { MasterKey } from '../services/identity/master-key.js'
import { disableEndpoint } from '../services/webhooks/endpoints.js'
import { type ClaimedDelivery, claimDueDeliveries, recordAttempt } from '../services/webhooks/queue.js'
import { nextRetryDelay, retryAfterMs, SecretCache, sendDelivery } from '../services/webhooks/send.js'
import { webhookAgent } from '../services/webhooks/targets.js'
import { onDeliveriesDue, WAKE_CHANNEL } from '../services/write/index.js'
import type { Database } from '../storage/database.js'
import { startWakeListener } from './wake-listener.js'

export interface WebhookDispatcher {
  /** Stops claiming and waits for the requests in flight to finish and be recorded. */
  stop(): Promise<void>
}

export interface DispatcherOptions {
  database: Database
  config: Pick<
    Config,
    | 'databaseUrl'
    | 'webhookAllowPrivateTargets'
    | 'webhookAllowedPorts'
    | 'webhookRetryScheduleMs'
    | 'webhookTimeoutMs'
    | 'webhookConcurrency'
    | 'webhookPollIntervalMs'
    | 'webhookDisableAfterMs'
  >
  masterKey: MasterKey
  log: FastifyBaseLogger
}

/**
 * Sends due webhook deliveries, up to `webhookConcurrency` at once. It claims work when
 * woken (a commit in this process that wrote deliveries, a NOTIFY from another instance on
 * PostgreSQL), when a request finishes and a slot frees, when a short retry comes due, and
 * on a fallback poll.
 */
export function startWebhookDispatcher(options: DispatcherOptions): WebhookDispatcher {
  const { database, config, log } = options
  const timeoutMs = config.webhookTimeoutMs
  // Longer than any attempt (which the timeout bounds), so a lease never ends mid-request.
  const leaseMs = timeoutMs * 3
  const agent = webhookAgent({
    allowPrivate: config.webhookAllowPrivateTargets,
    extraPorts: config.webhookAllowedPorts,
    timeoutMs,
    connections: config.webhookConcurrency,
  })
  const secrets = new SecretCache(options.masterKey)
  const inFlight = new Set<Promise<void>>()
  const timers = new Set<NodeJS.Timeout>()
  let stopped = false
  let filling: Promise<void> | undefined
  let again = false

  const fill = async () => {
    while (!stopped && inFlight.size < config.webhookConcurrency) {
      const wanted = config.webhookConcurrency - inFlight.size
      const claimed = await claimDueDeliveries(database, wanted, leaseMs)
      for (const delivery of claimed) {
        const sending: Promise<void> = deliver(delivery)
          .catch((err) => log.error({ err, delivery: delivery.id }, 'webhook delivery failed to record'))
          .finally(() => {
            inFlight.delete(sending)
            wake()
          })
        inFlight.add(sending)
      }
      if (claimed.length < wanted) return
    }
  }

  /** Coalesces wake-ups: while a claim runs, further wake-ups only ask for one more round. */
  const wake = () => {
    if (stopped) return
    if (filling) {
      again = true
      return
    }
    filling = (async () => {
      do {
        again = false
        await fill()
      } while (again && !stopped)
    })()
      .catch((err) => log.error({ err }, 'claiming webhook deliveries failed'))
      .finally(() => {
        filling = undefined
      })
  }

  const wakeAfter = (ms: number) => {
    if (ms >= config.webhookPollIntervalMs) return
    const timer = setTimeout(() => {
      timers.delete(timer)
      wake()
    }, ms)
    timer.unref()
    timers.add(timer)
  }

  const deliver = async (delivery: ClaimedDelivery) => {
    const now = database.clock.now()
    const result = await sendDelivery(agent, delivery, secrets.signingSecrets(delivery, now), timeoutMs)
    const attemptsMade = delivery.attempts + 1
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300
    const gone = result.statusCode === 410
    const delay =
      ok || gone
        ? null
        : nextRetryDelay(config.webhookRetryScheduleMs, attemptsMade, retryAfterMs(result.retryAfter, now))
    const recorded = await recordAttempt(database, delivery, {
      attempt: {
        started_at: result.startedAt,
        duration_ms: result.durationMs,
        status_code: result.statusCode,
        error: result.error,
        response_excerpt: result.responseExcerpt,
      },
      status: ok ? 'succeeded' : delay === null ? 'failed' : 'pending',
      nextAttemptAt: delay === null ? null : new Date(database.clock.now().getTime() + delay).toISOString(),
    })
    if (!recorded) return
    if (delay !== null) wakeAfter(delay)
    if (gone) {
      await disableEndpoint(database, delivery.endpoint_id, 'the endpoint answered 410 Gone')
    } else if (
      recorded.failingSince !== null &&
      database.clock.now().getTime() - Date.parse(recorded.failingSince) >= config.webhookDisableAfterMs
    ) {
      await disableEndpoint(
        database,
        delivery.endpoint_id,
        `failing without a success since ${recorded.failingSince}`,
      )
    }
  }

  const poll = setInterval(wake, config.webhookPollIntervalMs)
  poll.unref()
  const unsubscribe = onDeliveriesDue(wake)
  const listener =
    database.dialect === 'postgres' && config.databaseUrl
      ? startWakeListener({ url: config.databaseUrl, channel: WAKE_CHANNEL, wake, log })
      : undefined
  wake()

  return {
    async stop() {
      stopped = true
      clearInterval(poll)
      for (const timer of timers) clearTimeout(timer)
      unsubscribe()
      await filling
      await Promise.all(inFlight)
      await listener?.stop()
      await agent.close()
    },
  }
}
