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

/** What `hejie` exits with, so that scripts can tell a refusal of credentials from the rest. */
export const exitCodes = { ok: 0, failure: 1, authentication: 2, alarm: 3 } as const

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

export function createProgram(): Command {
  const program = new Command('hejie')
    .description('Work with a Hejie gateway: the disputes routed to you, from the command line.')
    .version(version)
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      '\nStart with `hejie login`. Exit codes: 0 done, 1 a usage or API error, 2 not logged in or\n' +
        'credentials refused, 3 `hejie audit verify` found the log does not verify, or\n' +
        '`hejie audit witness` or `hejie audit monitor` raised an alarm (a fork, a bad signature).',
    )
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
  if (error instanceof LogAlarm) return { message: `ALARM: ${error.message}`, code: exitCodes.alarm }
  if (error instanceof NotLoggedInError) return { message: error.message, code: exitCodes.authentication }
  if (error instanceof AuthenticationError) {
    return {
      message: `${error.message}\nThe credentials were refused: check them, or run \`hejie login\` again.`,
      code: exitCodes.authentication,
    }
  }
  if (error instanceof HejieError) {
    const requestId = error.requestId ? ` (request id ${error.requestId})` : ''
    return { message: `${error.message}${requestId}`, code: exitCodes.failure }
  }
  return { message: error instanceof Error ? error.message : String(error), code: exitCodes.failure }
}
