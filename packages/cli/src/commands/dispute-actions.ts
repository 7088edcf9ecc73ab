import type {
  Dispute,
  DisputeActionOptions,
  DisputeCloseParams,
  DisputeCreateParams,
  RequestOptions,
} from '@hejie/sdk'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { connect } from '../connection.js'
import { describeDispute } from '../dispute-view.js'
import { readJsonObject } from '../json-input.js'

type Resolution = DisputeCloseParams['resolution']

/** Every resolution the regulator may close with; typed so that none can be missed. */
const resolutions: Record<Resolution, string> = {
  mediated: 'agreement reached in administrative mediation',
  terminated: 'mediation ended without agreement',
  rejected: 'the complaint was not taken up',
}

function version(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a dispute version: a whole number of 1 or more')
  return number
}

interface WriteOptions {
  idempotencyKey?: string
  json?: boolean
}

interface ActionOptions extends WriteOptions {
  ifVersion?: number
}

function requestOptions(options: WriteOptions): RequestOptions {
  return options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}
}

function actionOptions(options: ActionOptions): DisputeActionOptions {
  return {
    ...requestOptions(options),
    ...(options.ifVersion === undefined ? {} : { ifMatch: options.ifVersion }),
  }
}

/** The options every write shares: a key that makes a repeat safe, and JSON output. */
function writeOptions(command: Command): Command {
  return command
    .option(
      '--idempotency-key <key>',
      'repeat safely: the same key with the same body answers as the first time (kept 24 h)',
    )
    .option('--json', 'print the dispute as JSON, as the API returns it')
}

/** The options of an action on an existing dispute: those of every write, and `--if-version`. */
function withActionOptions(command: Command): Command {
  return writeOptions(
    command.option(
      '--if-version <version>',
      'act only if the dispute is still at this version (`Version` in `hejie disputes show`)',
      version,
    ),
  )
}

/** An action's command on the dispute named by its argument; its own options follow. */
function actionCommand(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).argument('<id>', 'the dispute id (dsp_…)')
}

function print(dispute: Dispute, options: WriteOptions): void {
  console.log(options.json ? JSON.stringify(dispute, null, 2) : describeDispute(dispute))
}

/** The regulator's writes: intake, and the actions that route, escalate and close a dispute. */
export function disputeActionCommands(disputes: Command): void {
  const create = disputes
    .command('create')
    .description('take a complaint in (regulators): the intake body as JSON, from a file or piped')
    .argument('[file]', 'the intake body as a JSON file; `-` or left out: read standard input')
    .addHelpText(
      'after',
      '\nThe body is that of POST /v1/disputes (see docs/disputes.md): external_ref, channel,\n' +
        'consumer, problem_type, claim; enterprise_id, or the respondent for the dispatcher to\n' +
        'route (see docs/dispatch.md); optionally category, purchase, received_at and\n' +
        'jurisdiction_id. It is sent as it is; the gateway checks it. To see where a complaint\n' +
        'would go without taking it in: hejie dispatch preview.\n\n' +
        'Examples:\n' +
        '  hejie disputes create complaint.json\n' +
        '  jq --arg ref "$TICKET" \'.external_ref = $ref\' template.json | hejie disputes create',
    )
  writeOptions(create).action(async (file: string | undefined, options: WriteOptions) => {
    const body = await readJsonObject(file, 'the intake')
    const hejie = await connect()
    print(await hejie.disputes.create(body as DisputeCreateParams, requestOptions(options)), options)
  })

  const assign = actionCommand(
    disputes,
    'assign',
    'route a dispute to an enterprise or a handling unit (regulators, centre units)',
  )
    .addOption(
      new Option('--enterprise <id>', 'the ODR enterprise that is to handle it (ent_…)').conflicts('unit'),
    )
    .addOption(new Option('--unit <id>', 'the handling unit that is to handle it (hnu_…)'))
    .addHelpText(
      'after',
      '\nGive exactly one of --enterprise and --unit. A dispute can be assigned when it is returned\n' +
        '(declined by its assignee) or while it waits at a centre to be dispatched by hand.',
    )
  withActionOptions(assign).action(
    async (id: string, options: ActionOptions & { enterprise?: string; unit?: string }) => {
      const body = options.unit
        ? { unit_id: options.unit }
        : options.enterprise
          ? { enterprise_id: options.enterprise }
          : undefined
      if (!body) throw new Error('Give --enterprise <id> or --unit <id>: who is to handle it.')
      const hejie = await connect()
      print(await hejie.disputes.assign(id, body, actionOptions(options)), options)
    },
  )

  const escalate = actionCommand(
    disputes,
    'escalate',
    'take a dispute to administrative mediation (regulators)',
  ).requiredOption('--reason <text>', 'why, for the record (up to 2000 characters)')
  withActionOptions(escalate).action(async (id: string, options: ActionOptions & { reason: string }) => {
    const hejie = await connect()
    print(await hejie.disputes.escalate(id, { reason: options.reason }, actionOptions(options)), options)
  })

  const withdraw = actionCommand(
    disputes,
    'withdraw',
    'close a dispute the consumer withdrew (regulators)',
  ).option('--note <text>', 'a note for the record (up to 2000 characters)')
  withActionOptions(withdraw).action(async (id: string, options: ActionOptions & { note?: string }) => {
    const hejie = await connect()
    const body = options.note === undefined ? {} : { note: options.note }
    print(await hejie.disputes.withdraw(id, body, actionOptions(options)), options)
  })

  const close = actionCommand(disputes, 'close', 'close an escalated or returned dispute (regulators)')
    .addOption(
      new Option('--resolution <resolution>', 'how it ended')
        .choices(Object.keys(resolutions))
        .makeOptionMandatory(),
    )
    .option('--note <text>', 'a note for the record (up to 2000 characters)')
    .addHelpText(
      'after',
      `\nResolutions:\n${Object.entries(resolutions)
        .map(([resolution, meaning]) => `  ${resolution.padEnd(11)} ${meaning}`)
        .join('\n')}`,
    )
  withActionOptions(close).action(
    async (id: string, options: ActionOptions & { resolution: Resolution; note?: string }) => {
      const hejie = await connect()
      const body = {
        resolution: options.resolution,
        ...(options.note === undefined ? {} : { note: options.note }),
      }
      print(await hejie.disputes.close(id, body, actionOptions(options)), options)
    },
  )
}
