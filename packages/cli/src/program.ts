import { readFileSync } from 'node:fs'
import { AuthenticationError, HejieError } from '@hejie/sdk'
import { Command, CommanderError } from 'commander'
import { auditCommand } from './commands/audit.js'
import { LogAlarm } from './commands/audit-follow.js'
import { dispatchCommand, routingRulesCommand } from './commands/dispatch.js'
import { disputesCommand } from './commands/disputes.js'
import { eventsCommand } from './commands/events.js'
import { filesCommand } from './commands/files.js'
import { jurisdictionsCommand } from './commands/jurisdictions.js'
import { loginCommand } from './commands/login.js'
import { riskSignalsCommand } from './commands/risk-signals.js'
import { sandboxCommand } from './commands/sandbox.js'
import { statsCommand } from './commands/stats.js'
import { webhooksCommand } from './commands/webhooks.js'
import { NotLoggedInError } from './credentials.js'
import { type MessageKey, t } from './i18n/index.js'

/** What `hejie` exits with, so that scripts can tell a refusal of credentials from the rest. */
export const exitCodes = { ok: 0, failure: 1, authentication: 2, alarm: 3 } as const

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

/** The headings of Commander's help, in the reader's language. */
const helpTitles: Record<string, MessageKey> = {
  'Usage:': 'help.usage',
  'Arguments:': 'help.arguments',
  'Options:': 'help.options',
  'Commands:': 'help.commands',
  'Global Options:': 'help.globalOptions',
}

export function createProgram(): Command {
  // Set before the subcommands are made: they inherit the help option, command and titles.
  const program = new Command('hejie')
    .description(t('program.description'))
    .version(version, '-V, --version', t('help.versionOption'))
    .helpOption('-h, --help', t('help.helpOption'))
    .helpCommand('help [command]', t('help.helpCommand'))
    .configureHelp({ styleTitle: (title) => (helpTitles[title] ? t(helpTitles[title]) : title) })
    .showHelpAfterError()
    .exitOverride()
    .addHelpText('after', t('program.after'))
  loginCommand(program)
  disputesCommand(program)
  filesCommand(program)
  jurisdictionsCommand(program)
  dispatchCommand(program)
  routingRulesCommand(program)
  riskSignalsCommand(program)
  sandboxCommand(program)
  auditCommand(program)
  statsCommand(program)
  eventsCommand(program)
  webhooksCommand(program)
  return program
}

/** The message and exit code for what a command threw. */
export function failure(error: unknown): { message?: string; code: number } {
  if (error instanceof CommanderError) {
    // Commander has printed the usage error (or the help) itself.
    return { code: error.exitCode === 0 ? exitCodes.ok : exitCodes.failure }
  }
  if (error instanceof LogAlarm)
    return { message: t('failure.alarm', { message: error.message }), code: exitCodes.alarm }
  if (error instanceof NotLoggedInError) return { message: error.message, code: exitCodes.authentication }
  if (error instanceof AuthenticationError) {
    return {
      message: t('failure.refused', { message: error.message }),
      code: exitCodes.authentication,
    }
  }
  if (error instanceof HejieError) {
    const requestId = error.requestId ? t('failure.requestId', { id: error.requestId }) : ''
    return { message: `${error.message}${requestId}`, code: exitCodes.failure }
  }
  return { message: error instanceof Error ? error.message : String(error), code: exitCodes.failure }
}
