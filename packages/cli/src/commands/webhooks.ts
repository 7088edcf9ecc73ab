import type { EventType, HejieEvent } from '@hejie/sdk'
import { type Command, Option } from 'commander'
import { connect } from '../connection.js'
import { eventTypeList, eventTypesHelp } from '../event-types.js'
import { endOfFeed, followFeed } from '../feed.js'
import {
  type Attempt,
  Forwarder,
  forwardUrl,
  isLoopback,
  newSigningSecret,
  signingSecret,
} from '../forward.js'
import { t } from '../i18n/index.js'
import { eventPrefix } from '../output.js'
import { stopSignal } from '../stop-signal.js'
import { seconds } from './options.js'

interface ListenOptions {
  forwardTo: URL
  after?: string
  secret?: string
  events?: EventType[]
  allowRemote?: boolean
  once?: boolean
  interval: number
}

const retryDelaysMs = [500, 1000, 2000]

/** How an attempt went, after the event's columns: `→ 204 (12 ms)`, `→ 503 busy; again in 0.5 s`. */
function attemptLine(event: HejieEvent, attempt: Attempt): string {
  const answer = `${attempt.status ?? 'no answer'}${attempt.error ? ` ${attempt.error.replace(/\s+/g, ' ')}` : ''}`
  const next =
    attempt.status !== null && attempt.status >= 200 && attempt.status < 300
      ? ''
      : attempt.retryInMs !== null
        ? `; again in ${attempt.retryInMs / 1000} s`
        : `; gave up after ${attempt.attempt} attempt${attempt.attempt > 1 ? 's' : ''}`
  return `${eventPrefix(event, new Date())}  → ${answer} (${attempt.durationMs} ms)${next}`
}

function quoted(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

export function webhooksCommand(program: Command): void {
  const webhooks = program.command('webhooks').description(t('webhooks.description'))

  webhooks
    .command('listen')
    .description('forward new events to a receiver on this machine, signed like real deliveries')
    .addOption(
      new Option('--forward-to <url>', 'where to POST each event, e.g. http://127.0.0.1:4242/webhooks')
        .argParser(forwardUrl)
        .makeOptionMandatory(),
    )
    .option('--after <event-id>', 'first forward the events after this one (a replay), then new ones')
    .addOption(
      new Option('--secret <whsec>', 'sign with this whsec_… secret (default: a new one, printed at start)')
        .env('HEJIE_WEBHOOK_SECRET')
        .argParser(signingSecret),
    )
    .option('--events <types>', 'only these event types (repeat, or separate with commas)', eventTypeList)
    .option('--allow-remote', 'allow a --forward-to host other than this machine')
    .option('--once', 'forward the events after --after that the feed holds now, then stop')
    .option('--interval <seconds>', 'how often to ask for new events once caught up', seconds, 2)
    .addHelpText(
      'after',
      `
Each event is POSTed as the gateway delivers it: the event JSON as the body, with the
Standard Webhooks headers webhook-id (the event id), webhook-timestamp and
webhook-signature, so the receiver's verification code is the code it runs in production.
Without --secret (or HEJIE_WEBHOOK_SECRET) a new secret is made and printed at start:
give it to the receiver.

Events are read from the feed (the events of the logged-in client) and forwarded one at a
time, in order, each at most once per run. A failure (no 2xx within 10 s) is tried again
after 0.5, 1 and 2 s, then reported and passed over. Ctrl-C or SIGTERM stops it with exit
code 0; with --once it exits 1 if an event could not be forwarded.

Events carry consumers' names and phone numbers, so they go to this machine only
(localhost, 127.0.0.0/8, ::1) unless --allow-remote is given.

Examples:
  hejie webhooks listen --forward-to http://127.0.0.1:4242/webhooks
  HEJIE_WEBHOOK_SECRET=whsec_… hejie webhooks listen --forward-to http://localhost:4242/webhooks \\
    --events dispute.assigned,dispute.overdue
  hejie webhooks listen --forward-to http://127.0.0.1:4242/webhooks --after evt_01m8ha7a… --once

Event types:
${eventTypesHelp()}`,
    )
    .action(async (options: ListenOptions, command: Command) => {
      if (options.once && !options.after) {
        throw new Error('--once forwards the events after --after, then stops: pass --after too.')
      }
      const target = options.forwardTo
      if (!options.allowRemote && !isLoopback(target)) {
        throw new Error(
          `--forward-to ${target.host} is not this machine. Events carry consumers' names and phone ` +
            'numbers, so they are forwarded to this machine only; pass --allow-remote to forward to ' +
            'another host you control.',
        )
      }
      const hejie = await connect()
      const me = await hejie.me()
      const secret = options.secret ?? newSigningSecret()
      const stop = stopSignal()
      const forwarder = new Forwarder({ url: target, secret, signal: stop.signal, retryDelaysMs })
      const counts = { delivered: 0, failed: 0 }
      let lastSequence = Number.NEGATIVE_INFINITY
      // Where a later run continues: after the last event forwarded before the first one not
      // accepted, so that continuing from there forwards that one again.
      let settledAfter = options.after
      let firstFailed: string | undefined
      try {
        const who = me.enterprise ? `${me.enterprise.name} (${me.enterprise.id})` : `the ${me.role}`
        console.log(`Forwarding the events of ${who} to ${target.href}`)
        if (options.secret === undefined) {
          console.log(`Signing secret (new for this run): ${secret}`)
          console.log(
            'Give it to your receiver, e.g. as HEJIE_WEBHOOK_SECRET, or pass it back with --secret.',
          )
        } else {
          const source =
            command.getOptionValueSource('secret') === 'env' ? 'HEJIE_WEBHOOK_SECRET' : '--secret'
          console.log(`Signing with the secret from ${source}.`)
        }
        const after = options.after ?? (await endOfFeed(hejie, options.events, stop.signal))
        console.log(
          options.once
            ? `Forwarding the events after ${options.after}.`
            : `Ready: ${options.after ? `forwarding the events after ${options.after}, then new ones` : 'waiting for new events'}; Ctrl-C to stop.`,
        )
        await followFeed(hejie, {
          after,
          types: options.events,
          once: Boolean(options.once),
          intervalMs: options.interval * 1000,
          signal: stop.signal,
          async onEvent(event) {
            // The feed never repeats an event; this makes sure a retry of a page cannot either.
            if (event.sequence <= lastSequence) return
            lastSequence = event.sequence
            const outcome = await forwarder.forward(event, (attempt) =>
              console.log(attemptLine(event, attempt)),
            )
            if (outcome === 'stopped') return
            counts[outcome] += 1
            if (outcome === 'failed' && firstFailed === undefined) {
              firstFailed = event.id
              settledAfter ??= after
            }
            if (firstFailed === undefined) settledAfter = event.id
          },
          onTrouble: (message) => console.error(`hejie: ${message}`),
        })
      } catch (error) {
        if (!stop.signal.aborted) throw error
      } finally {
        stop.release()
        await forwarder.close()
      }
      const failed = counts.failed > 0 ? t('listen.notAccepted', { count: counts.failed }) : ''
      console.log(t(options.once ? 'listen.done' : 'listen.stopped', { delivered: counts.delivered, failed }))
      if (!options.once && settledAfter) {
        const command = `hejie webhooks listen --forward-to ${quoted(target.href)} --after ${settledAfter}`
        console.log(
          firstFailed
            ? t('listen.continueFromFailed', { failed: firstFailed, command })
            : t('listen.continue', { command }),
        )
      } else if (!options.once && firstFailed) {
        console.log(t('listen.noEventBefore', { failed: firstFailed }))
      }
      if (options.once && counts.failed > 0) process.exitCode = 1
    })
}
