import type { Dispute, DisputeStatus } from '@hejie/sdk'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { connect } from '../connection.js'
import { describeRecords, disputeRecords } from '../dispute-records.js'
import { describeDispute, disputeTable, printJson, statuses, statusMeaning } from '../dispute-view.js'
import { t } from '../i18n/index.js'
import { jurisdictionId } from '../jurisdiction-ref.js'
import { confirmationCommand } from './confirmation.js'
import { disputeActionCommands } from './dispute-actions.js'
import { several } from './options.js'

function positiveInteger(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(t('options.wholeFromOne'))
  return number
}

/** Whoever may hold a dispute, named by its id: an enterprise's or a handling unit's. */
function assigneeRef(value: string): string {
  if (!/^(ent|hnu)_\S+$/.test(value)) throw new InvalidArgumentError(t('options.assignee'))
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
  const disputes = program.command('disputes').description(t('disputes.description'))

  disputes
    .command('list')
    .description(t('disputes.list.description'))
    .addOption(
      new Option('--status <status...>', t('disputes.list.status'))
        .choices(Object.keys(statuses))
        .argParser(several(Object.keys(statuses) as DisputeStatus[])),
    )
    .option('--jurisdiction <id or code>', t('disputes.list.jurisdiction'))
    .option('--assignee <id>', t('disputes.list.assignee'), assigneeRef)
    .option('--awaiting-dispatch', t('disputes.list.awaitingDispatch'))
    .option('--overdue', t('disputes.list.overdue'))
    .option('--limit <count>', t('disputes.list.limit'), positiveInteger, 20)
    .option('--json', t('disputes.list.json'))
    .addHelpText(
      'after',
      `\n${t('disputes.list.statuses')}\n${Object.keys(statuses)
        .map((status) => `  ${status.padEnd(12)} ${statusMeaning(status as DisputeStatus)}`)
        .join('\n')}\n\n${t('disputes.list.assigneeColumn')}`,
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
      if (shown.length === 0) return console.log(t('disputes.list.none'))
      // An enterprise holds every dispute it sees: the column would repeat its own id.
      const { role } = await hejie.me()
      console.log(disputeTable(shown, role !== 'enterprise'))
    })

  disputes
    .command('show')
    .description(t('disputes.show.description'))
    .argument('<id>', t('disputes.id'))
    .option('--json', t('disputes.show.json'))
    .option('--records', t('disputes.show.records'))
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
