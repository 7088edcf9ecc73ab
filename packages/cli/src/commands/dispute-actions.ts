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
import { type MessageKey, t } from '../i18n/index.js'
import { readJsonObject } from '../json-input.js'

type Resolution = DisputeCloseParams['resolution']

/** Every resolution the regulator may close with; typed so that none can be missed. */
const resolutions: Record<Resolution, MessageKey> = {
  mediated: 'resolution.mediated',
  terminated: 'resolution.terminated',
  rejected: 'resolution.rejected',
}

function version(value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(t('options.version'))
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
    .option('--idempotency-key <key>', t('write.idempotencyKey'))
    .option('--json', t('write.json'))
}

/** The options of an action on an existing dispute: those of every write, and `--if-version`. */
function withActionOptions(command: Command): Command {
  return writeOptions(command.option('--if-version <version>', t('write.ifVersion'), version))
}

/** An action's command on the dispute named by its argument; its own options follow. */
function actionCommand(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).argument('<id>', t('disputes.id'))
}

function print(dispute: Dispute, options: WriteOptions): void {
  console.log(options.json ? JSON.stringify(dispute, null, 2) : describeDispute(dispute))
}

/** The regulator's writes: intake, and the actions that route, escalate and close a dispute. */
export function disputeActionCommands(disputes: Command): void {
  const create = disputes
    .command('create')
    .description(t('create.description'))
    .argument('[file]', t('create.file'))
    .addHelpText('after', t('create.after'))
  writeOptions(create).action(async (file: string | undefined, options: WriteOptions) => {
    const body = await readJsonObject(file, t('json.intake'))
    const hejie = await connect()
    print(await hejie.disputes.create(body as DisputeCreateParams, requestOptions(options)), options)
  })

  const assign = actionCommand(disputes, 'assign', t('assign.description'))
    .addOption(new Option('--enterprise <id>', t('assign.enterprise')).conflicts('unit'))
    .addOption(new Option('--unit <id>', t('assign.unit')))
    .addHelpText('after', t('assign.after'))
  withActionOptions(assign).action(
    async (id: string, options: ActionOptions & { enterprise?: string; unit?: string }) => {
      const body = options.unit
        ? { unit_id: options.unit }
        : options.enterprise
          ? { enterprise_id: options.enterprise }
          : undefined
      if (!body) throw new Error(t('assign.missing'))
      const hejie = await connect()
      print(await hejie.disputes.assign(id, body, actionOptions(options)), options)
    },
  )

  const escalate = actionCommand(disputes, 'escalate', t('escalate.description')).requiredOption(
    '--reason <text>',
    t('escalate.reason'),
  )
  withActionOptions(escalate).action(async (id: string, options: ActionOptions & { reason: string }) => {
    const hejie = await connect()
    print(await hejie.disputes.escalate(id, { reason: options.reason }, actionOptions(options)), options)
  })

  const withdraw = actionCommand(disputes, 'withdraw', t('withdraw.description')).option(
    '--note <text>',
    t('write.note'),
  )
  withActionOptions(withdraw).action(async (id: string, options: ActionOptions & { note?: string }) => {
    const hejie = await connect()
    const body = options.note === undefined ? {} : { note: options.note }
    print(await hejie.disputes.withdraw(id, body, actionOptions(options)), options)
  })

  const close = actionCommand(disputes, 'close', t('close.description'))
    .addOption(
      new Option('--resolution <resolution>', t('close.resolution'))
        .choices(Object.keys(resolutions))
        .makeOptionMandatory(),
    )
    .option('--note <text>', t('write.note'))
    .addHelpText(
      'after',
      `\n${t('close.resolutions')}\n${Object.entries(resolutions)
        .map(([resolution, meaning]) => `  ${resolution.padEnd(11)} ${t(meaning)}`)
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
