import type { Dispute, DisputeStatus } from '@hejie/sdk'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { connect } from '../connection.js'
import { describeRecords, disputeRecords } from '../dispute-records.js'
import { describeDispute, disputeTable, printJson, statuses } from '../dispute-view.js'
import { jurisdictionId } from '../jurisdiction-ref.js'
import { confirmationCommand } from './confirmation.js'
import { disputeActionCommands } from './dispute-actions.js'
import { several } from './options.js'

function positiveInteger(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a whole number of 1 or more')
  return number
}

/** Whoever may hold a dispute, named by its id: an enterprise's or a handling unit's. */
function assigneeRef(value: string): string {
  if (!/^(ent|hnu)_\S+$/.test(value))
    throw new InvalidArgumentError('expected an enterprise id (ent_…) or a handling unit id (hnu_…)')
  return value
}

interface ListOptions {
  status?: DisputeStatus[]
  jurisdiction?: string
  assignee?: string
  awaitingDispatch?: boolean
  overdue?: boolean
  limit: number
  json?: boolean
}

export function disputesCommand(program: Command): void {
  const disputes = program
    .command('disputes')
    .description('read the disputes routed to you; regulators: take complaints in and route them')

  disputes
    .command('list')
    .description('list disputes, newest first')
    .addOption(
      new Option('--status <status...>', 'only disputes in these statuses (repeat, or separate with commas)')
        .choices(Object.keys(statuses))
        .argParser(several(Object.keys(statuses) as DisputeStatus[])),
    )
    .option(
      '--jurisdiction <id or code>',
      'only disputes received in this jurisdiction or below (regulators)',
    )
    .option(
      '--assignee <id>',
      'only disputes held by this enterprise (ent_…) or handling unit (hnu_…) (regulators)',
      assigneeRef,
    )
    .option(
      '--awaiting-dispatch',
      "only disputes waiting at a centre to be assigned by hand: the centre's queue",
    )
    .option('--overdue', 'only disputes past their deadline while still unanswered or unsettled')
    .option('--limit <count>', 'show at most this many', positiveInteger, 20)
    .option('--json', 'print the disputes as JSON, as the API returns them')
    .addHelpText(
      'after',
      `\nStatuses:\n${Object.entries(statuses)
        .map(([status, meaning]) => `  ${status.padEnd(12)} ${meaning}`)
        .join('\n')}\n\nA regulator's table has an ASSIGNEE column: who holds each dispute (ent_… or hnu_…).`,
    )
    .action(async (options: ListOptions) => {
      const hejie = await connect()
      const shown: Dispute[] = []
      const list = hejie.disputes.list({
        ...(options.status ? { status: options.status } : {}),
        ...(options.jurisdiction
          ? { jurisdiction_id: await jurisdictionId(hejie, options.jurisdiction) }
          : {}),
        ...(options.assignee ? { assignee: options.assignee } : {}),
        ...(options.awaitingDispatch ? { awaiting_dispatch: true } : {}),
        ...(options.overdue ? { overdue: true } : {}),
        limit: Math.min(options.limit, 100),
      })
      for await (const dispute of list) {
        shown.push(dispute)
        if (shown.length >= options.limit) break
      }
      if (options.json) return printJson(shown)
      if (shown.length === 0) return console.log('No disputes.')
      // An enterprise holds every dispute it sees: the column would repeat its own id.
      const { role } = await hejie.me()
      console.log(disputeTable(shown, role !== 'enterprise'))
    })

  disputes
    .command('show')
    .description('show one dispute')
    .argument('<id>', 'the dispute id (dsp_…)')
    .option('--json', 'print the dispute as JSON, as the API returns it')
    .option(
      '--records',
      'also list its contacts, settlements, refunds and mediation records, with their evidence',
    )
    .action(async (id: string, options: { json?: boolean; records?: boolean }) => {
      const hejie = await connect()
      const dispute = await hejie.disputes.retrieve(id)
      const records = options.records ? await disputeRecords(hejie, id) : undefined
      if (options.json) return printJson(records ? { ...dispute, records } : dispute)
      console.log(describeDispute(dispute))
      if (records) console.log(`\n${describeRecords(records)}`)
    })

  disputeActionCommands(disputes)
  confirmationCommand(disputes)
}
