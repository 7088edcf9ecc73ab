import type { Dispute, DisputeStatus } from '@hejie/sdk'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { connect } from '../connection.js'
import { jurisdictionId } from '../jurisdiction-ref.js'
import { fields, money, shanghaiTime, table } from '../output.js'

/** Every status, with what it means for the enterprise; typed so that none can be missed. */
const statuses: Record<DisputeStatus, string> = {
  assigned: 'waiting for the enterprise to accept or decline',
  in_progress: 'accepted; settle with the consumer',
  settled: 'settlement recorded; refund and report the outcome',
  returned: 'declined, back with the regulator',
  escalated: 'gone to administrative mediation',
  closed: 'finished',
}

function positiveInteger(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a whole number of 1 or more')
  return number
}

interface ListOptions {
  status?: DisputeStatus[]
  jurisdiction?: string
  limit: number
  json?: boolean
}

function json(value: unknown): void {
  console.log(JSON.stringify(value, null, 2))
}

function row(dispute: Dispute): string[] {
  return [
    dispute.id,
    dispute.status,
    shanghaiTime(dispute.respond_by).slice(0, 10),
    dispute.overdue ? 'overdue' : '',
    dispute.consumer.name ?? '',
    dispute.problem_type,
    money(dispute.claim.amount),
    dispute.external_ref,
  ]
}

function describe(dispute: Dispute): string {
  const { claim, consumer, settlement, outcome } = dispute
  return fields([
    ['Dispute', `${dispute.id}  ${dispute.status}${dispute.resolution ? ` (${dispute.resolution})` : ''}`],
    ['Version', String(dispute.version)],
    ['Intake ticket', `${dispute.external_ref} via ${dispute.channel}`],
    ['Consumer', [consumer.name, consumer.phone].filter(Boolean).join('  ') || 'erased'],
    ['Problem', [dispute.problem_type, dispute.category].filter(Boolean).join(' / ')],
    ['Claim', claim.description],
    ['Demands', [claim.demands.join(', '), money(claim.amount)].filter(Boolean).join('  ')],
    ['Received', `${shanghaiTime(dispute.received_at)} Asia/Shanghai`],
    ['Respond by', `${shanghaiTime(dispute.respond_by)} Asia/Shanghai${dispute.overdue ? '  OVERDUE' : ''}`],
    [
      'Settlement',
      settlement ? `${settlement.remedy} ${money(settlement.amount)}  ${settlement.terms}` : undefined,
    ],
    ['Refunded', money(dispute.refunded)],
    ['Outcome', outcome ? `${outcome.result}  ${outcome.summary}` : undefined],
    ['Next actions', dispute.allowed_actions.join(', ') || 'none'],
  ])
}

export function disputesCommand(program: Command): void {
  const disputes = program.command('disputes').description('read the disputes routed to you')

  disputes
    .command('list')
    .description('list disputes, newest first')
    .addOption(
      new Option('--status <status...>', 'only disputes in these statuses').choices(Object.keys(statuses)),
    )
    .option(
      '--jurisdiction <id or code>',
      'only disputes received in this jurisdiction or below (regulators)',
    )
    .option('--limit <count>', 'show at most this many', positiveInteger, 20)
    .option('--json', 'print the disputes as JSON, as the API returns them')
    .addHelpText(
      'after',
      `\nStatuses:\n${Object.entries(statuses)
        .map(([status, meaning]) => `  ${status.padEnd(12)} ${meaning}`)
        .join('\n')}`,
    )
    .action(async (options: ListOptions) => {
      const hejie = await connect()
      const shown: Dispute[] = []
      const list = hejie.disputes.list({
        ...(options.status ? { status: options.status } : {}),
        ...(options.jurisdiction
          ? { jurisdiction_id: await jurisdictionId(hejie, options.jurisdiction) }
          : {}),
        limit: Math.min(options.limit, 100),
      })
      for await (const dispute of list) {
        shown.push(dispute)
        if (shown.length >= options.limit) break
      }
      if (options.json) return json(shown)
      if (shown.length === 0) return console.log('No disputes.')
      console.log(
        table(
          ['ID', 'STATUS', 'RESPOND BY', 'OVERDUE', 'CONSUMER', 'PROBLEM', 'CLAIM', 'INTAKE TICKET'],
          shown.map(row),
        ),
      )
    })

  disputes
    .command('show')
    .description('show one dispute')
    .argument('<id>', 'the dispute id (dsp_…)')
    .option('--json', 'print the dispute as JSON, as the API returns it')
    .action(async (id: string, options: { json?: boolean }) => {
      const dispute = await (await connect()).disputes.retrieve(id)
      if (options.json) return json(dispute)
      console.log(describe(dispute))
    })
}
