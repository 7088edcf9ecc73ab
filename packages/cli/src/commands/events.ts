import type { EventType } from '@hejie/sdk'
import type { Command } from 'commander'
import { connect } from '../connection.js'
import { eventTypeList, eventTypesHelp } from '../event-types.js'
import { endOfFeed, followFeed } from '../feed.js'
import { t } from '../i18n/index.js'
import { eventLine } from '../output.js'
import { stopSignal } from '../stop-signal.js'
import { seconds } from './options.js'

interface TailOptions {
  after?: string
  fromNow?: boolean
  type?: EventType[]
  json?: boolean
  once?: boolean
  interval: number
}

export function eventsCommand(program: Command): void {
  const events = program.command('events').description(t('events.description'))

  events
    .command('tail')
    .description('print events as they are committed, one line each, until stopped (Ctrl-C)')
    .option('--after <event-id>', 'start after this event (the id a previous run stopped at)')
    .option('--from-now', 'skip the events already in the feed; print only new ones')
    .option('--type <type...>', 'only events of these types (repeat, or separate with commas)', eventTypeList)
    .option('--json', 'print each event as one line of JSON (NDJSON), as the API returns it')
    .option('--once', 'print the events the feed holds now, then stop instead of waiting for more')
    .option('--interval <seconds>', 'how often to ask for new events once caught up', seconds, 2)
    .addHelpText(
      'after',
      `
Without --after or --from-now, it starts at the first event the feed keeps (at least 90
days). Lines go to standard output; notices (waiting, the gateway unreachable, where it
stopped) to standard error. Ctrl-C or SIGTERM stops it with exit code 0, and it says the
--after value that continues from there.

Examples:
  hejie events tail
  hejie events tail --from-now --type dispute.assigned dispute.overdue
  hejie events tail --after evt_01m8ha7a0hm4n5ch8ygasc02vz --json | jq .data.object.id
  hejie events tail --once --json > events.ndjson

Event types:
${eventTypesHelp()}`,
    )
    .action(async (options: TailOptions) => {
      if (options.after && options.fromNow) throw new Error('Pass --after or --from-now, not both.')
      const hejie = await connect()
      const stop = stopSignal()
      // A reader that went away (`| head`) ends the tail, quietly.
      const closed = (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') stop.stop('standard output closed')
      }
      process.stdout.on('error', closed)
      let printed = 0
      try {
        const after = options.fromNow ? await endOfFeed(hejie, options.type, stop.signal) : options.after
        if (!options.once) console.error('Following the event feed; Ctrl-C to stop.')
        const last = await followFeed(hejie, {
          after,
          types: options.type,
          once: Boolean(options.once),
          intervalMs: options.interval * 1000,
          signal: stop.signal,
          onEvent(event) {
            printed += 1
            console.log(options.json ? JSON.stringify(event) : eventLine(event))
          },
          onTrouble: (message) => console.error(`hejie: ${message}`),
        })
        if (options.once && printed === 0 && !options.json) console.error(t('events.none'))
        if (!options.once) console.error(last ? t('events.stoppedAfter', { last }) : t('events.stopped'))
      } catch (error) {
        if (!stop.signal.aborted) throw error
      } finally {
        stop.release()
        process.stdout.off('error', closed)
      }
    })
}
