import type { RankingMetric, StatsGroup } from '@hejie/sdk'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { connect } from '../connection.js'
import { t } from '../i18n/index.js'
import { jurisdictionId } from '../jurisdiction-ref.js'
import { money, table } from '../output.js'

const groupings = ['enterprise', 'problem_type', 'month', 'jurisdiction', 'assignee'] as const
const metrics: Record<RankingMetric, string> = {
  settlement_rate: '和解成功率: settled ÷ concluded',
  on_time_rate: '按时办结率: concluded without ever being overdue ÷ concluded',
  response_rate: '响应率: contacted by the deadline ÷ received',
  avg_handling_hours: 'mean hours from assignment to closing of the settled (fastest first)',
  received: 'disputes assigned in the window',
}

interface WindowOptions {
  from?: string
  to?: string
  jurisdiction?: string
  json?: boolean
  csv?: boolean
  lang?: 'zh' | 'en'
}

function json(value: unknown): void {
  console.log(JSON.stringify(value, null, 2))
}

/** CSV as the gateway sends it, with the byte order mark that spreadsheets need to read Chinese. */
function csv(text: string): void {
  process.stdout.write(text.startsWith('\uFEFF') ? text : `\uFEFF${text}`)
}

/** `66.7%`, or `—` for a rate over nothing. */
function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`
}

function hours(value: number | null): string {
  return value === null ? '—' : value.toFixed(2)
}

function count(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('expected a whole number ≥ 0')
  return number
}

/** The options every stats command takes: the window, the subtree and the output. */
function windowOptions(command: Command): Command {
  return command
    .option('--from <time>', 'start of the window, inclusive (RFC 3339, e.g. 2026-01-01T00:00:00+08:00)')
    .option('--to <time>', 'end of the window, exclusive (default: now)')
    .option('--jurisdiction <id-or-code>', 'regulators: only disputes received in this node or below it')
    .option('--json', 'print the answer as JSON, as the API returns it')
    .option('--csv', 'print CSV (UTF-8 with a byte order mark, for Excel and WPS)')
    .addOption(
      new Option('--lang <lang>', 'CSV headers in Chinese or English').choices(['zh', 'en']).default('zh'),
    )
}

export function statsCommand(program: Command): void {
  const stats = windowOptions(
    program
      .command('stats')
      .description(t('stats.description'))
      .addOption(new Option('--group-by <group>', 'one line per group').choices(groupings))
      .option('--enterprise <id>', 'regulators: only this enterprise'),
  ).action(async (options: WindowOptions & { groupBy?: (typeof groupings)[number]; enterprise?: string }) => {
    const hejie = await connect()
    const params = {
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
      ...(options.groupBy ? { group_by: options.groupBy } : {}),
      ...(options.enterprise ? { enterprise_id: options.enterprise } : {}),
      ...(options.jurisdiction ? { jurisdiction_id: await jurisdictionId(hejie, options.jurisdiction) } : {}),
    }
    if (options.csv) return csv(await hejie.stats.csv({ ...params, lang: options.lang ?? 'zh' }))
    const report = await hejie.stats.retrieve(params)
    if (options.json) return json(report)
    console.log(
      table(
        [
          'GROUP',
          'RECEIVED',
          'SETTLED',
          'ESCALATED',
          'RETURNED',
          'OVERDUE',
          'SETTLEMENT',
          'ON TIME',
          'RESPONSE',
          'SATISFIED',
          'AVG HOURS',
          'REFUNDED',
        ],
        report.data.map((group: StatsGroup) => [
          group.group ?? 'total',
          String(group.received),
          String(group.settled),
          String(group.escalated),
          String(group.returned),
          String(group.overdue),
          percent(group.settlement_rate),
          percent(group.on_time_rate),
          percent(group.response_rate),
          percent(group.satisfaction_rate),
          hours(group.avg_handling_hours),
          money(group.refunded),
        ]),
      ),
    )
  })

  windowOptions(
    stats
      .command('rankings')
      .description('regulators: enterprises and handling units ranked by one indicator, ties sharing a rank')
      .addOption(
        new Option('--metric <metric>', 'what to rank by')
          .choices(Object.keys(metrics))
          .makeOptionMandatory(),
      )
      .option('--min-concluded <n>', 'leave out assignees with fewer concluded disputes (default 5)', count)
      .addOption(
        new Option('--assignee-type <type>', 'only enterprises, or only units').choices([
          'enterprise',
          'unit',
        ]),
      )
      .addHelpText(
        'after',
        `\nMetrics:\n${Object.entries(metrics)
          .map(([metric, meaning]) => `  ${metric.padEnd(19)} ${meaning}`)
          .join('\n')}`,
      ),
  ).action(async (_: unknown, command: Command) => {
    // The options both commands take (`--json`, `--from`, …) are parsed by `stats` wherever
    // they stand on the line, so the ranking reads them with its parent's.
    const options = command.optsWithGlobals<
      WindowOptions & { metric: RankingMetric; minConcluded?: number; assigneeType?: 'enterprise' | 'unit' }
    >()
    const hejie = await connect()
    const params = {
      metric: options.metric,
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
      ...(options.minConcluded === undefined ? {} : { min_concluded: options.minConcluded }),
      ...(options.assigneeType ? { assignee_type: options.assigneeType } : {}),
      ...(options.jurisdiction ? { jurisdiction_id: await jurisdictionId(hejie, options.jurisdiction) } : {}),
    }
    if (options.csv) return csv(await hejie.stats.rankingsCsv({ ...params, lang: options.lang ?? 'zh' }))
    const ranking = await hejie.stats.rankings(params)
    if (options.json) return json(ranking)
    const shown = (value: number) =>
      options.metric === 'received'
        ? String(value)
        : options.metric === 'avg_handling_hours'
          ? hours(value)
          : percent(value)
    if (ranking.data.length === 0) console.log('No assignee to rank.')
    else
      console.log(
        table(
          ['RANK', 'NAME', options.metric.toUpperCase(), 'CONCLUDED', 'RECEIVED', 'ASSIGNEE'],
          ranking.data.map((row) => [
            String(row.rank),
            row.assignee.name,
            shown(row.value),
            String(row.indicators.settled + row.indicators.escalated + row.indicators.returned),
            String(row.indicators.received),
            row.assignee.id,
          ]),
        ),
      )
    const left = [
      ranking.excluded_below_minimum > 0
        ? `${ranking.excluded_below_minimum} with fewer than ${ranking.min_concluded} concluded`
        : '',
      ranking.excluded_without_value > 0 ? `${ranking.excluded_without_value} without a value` : '',
    ].filter(Boolean)
    if (left.length > 0) console.log(`\nLeft out: ${left.join('; ')}.`)
  })
}
