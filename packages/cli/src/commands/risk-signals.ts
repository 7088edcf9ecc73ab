import type { RiskSignal, RiskSignalKind, RiskSignalListParams } from '@hejie/sdk'
import { type Command, Option } from 'commander'
import { connect } from '../connection.js'
import { t } from '../i18n/index.js'
import { shanghaiTime, table } from '../output.js'

const kinds: RiskSignalKind[] = [
  'rising_volume',
  'repeated_problem',
  'low_settlement_rate',
  'overdue_cluster',
  'repeat_complainant',
]

/** What a signal is about, in one cell; a repeat complainant names no one. */
export function subjectText(subject: RiskSignal['subject']): string {
  const parts = [
    subject.enterprise_id,
    subject.category && `category=${subject.category}`,
    subject.problem_type && `problem_type=${subject.problem_type}`,
  ].filter(Boolean)
  return parts.length === 0 ? '(one consumer)' : parts.join(' ')
}

/** A rate as a percentage, a count as it is. */
function number(signal: RiskSignal, value: number | null): string {
  if (value === null) return ''
  return signal.kind === 'low_settlement_rate' ? `${Math.round(value * 100)}%` : String(value)
}

interface ListOptions {
  from?: string
  to?: string
  kind?: RiskSignalKind
  json?: boolean
}

/** `hejie risk-signals`: the regulator's watchlist (靶向监管), newest first. */
export function riskSignalsCommand(program: Command): void {
  program
    .command('risk-signals')
    .description(t('riskSignals.description'))
    .option('--from <time>', 'signals whose week ends after this time (RFC 3339)')
    .option('--to <time>', 'signals whose week starts before this time (RFC 3339)')
    .addOption(new Option('--kind <kind>', 'only signals of this kind').choices(kinds))
    .option('--json', 'print the signals as JSON, as the API returns them')
    .addHelpText(
      'after',
      '\nExample:\n  hejie risk-signals --kind rising_volume --from 2026-11-01T00:00:00+08:00',
    )
    .action(async (options: ListOptions) => {
      const hejie = await connect()
      const params: RiskSignalListParams = { limit: 100 }
      if (options.from) params.from = options.from
      if (options.to) params.to = options.to
      if (options.kind) params.kind = options.kind
      const shown: RiskSignal[] = []
      for await (const signal of hejie.riskSignals.list(params)) shown.push(signal)
      if (options.json) return console.log(JSON.stringify(shown, null, 2))
      if (shown.length === 0) return console.log('No risk signals.')
      console.log(
        table(
          ['ID', 'KIND', 'WEEK OF', 'SUBJECT', 'VALUE', 'BASELINE', 'THRESHOLD', 'DISPUTES', 'WHY'],
          shown.map((signal) => [
            signal.id,
            signal.kind,
            shanghaiTime(signal.window.start).slice(0, 10),
            subjectText(signal.subject),
            number(signal, signal.value),
            number(signal, signal.baseline),
            number(signal, signal.threshold),
            String(signal.disputes.length),
            signal.explanation,
          ]),
        ),
      )
    })
}
