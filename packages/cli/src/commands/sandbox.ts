import type { ClockAdvance, SandboxClock } from '@hejie/sdk'
import { type Command, InvalidArgumentError } from 'commander'
import { connect } from '../connection.js'
import { t } from '../i18n/index.js'
import { shanghaiTime } from '../output.js'

/**
 * `3wd` (three working days), `4h` (four hours), or both (`2wd4h`): how `hejie sandbox clock
 * advance` reads its amount.
 */
export function parseAdvance(text: string): ClockAdvance {
  const match = /^(?:(\d+)wd)?(?:(\d+)h)?$/.exec(text.trim())
  const workingDays = match?.[1] === undefined ? undefined : Number(match[1])
  const hours = match?.[2] === undefined ? undefined : Number(match[2])
  if (!match || (workingDays === undefined && hours === undefined) || workingDays === 0 || hours === 0)
    throw new InvalidArgumentError(t('sandbox.advanceFormat'))
  return { ...(workingDays ? { working_days: workingDays } : {}), ...(hours ? { hours } : {}) }
}

function describe(clock: SandboxClock): string {
  const hours = clock.offset_ms / 3_600_000
  const ahead =
    clock.offset_ms === 0
      ? t('sandbox.realTime')
      : t('sandbox.ahead', {
          amount:
            hours >= 48
              ? t('sandbox.days', { days: (hours / 24).toFixed(1) })
              : t('sandbox.hours', { hours: hours.toFixed(1) }),
        })
  return t('sandbox.clock', { time: shanghaiTime(clock.now), ahead })
}

/** `hejie sandbox`: the sandbox's movable clock (only against a gateway started with --sandbox). */
export function sandboxCommand(program: Command): void {
  const sandbox = program.command('sandbox').description(t('sandbox.description'))
  const clock = sandbox
    .command('clock')
    .description(t('sandbox.clock.description'))
    .option('--json', t('sandbox.clock.json'))
    .action(async (options: { json?: boolean }) => {
      const hejie = await connect()
      const shown = await hejie.sandbox.clock.retrieve()
      console.log(options.json ? JSON.stringify(shown, null, 2) : describe(shown))
    })
  clock
    .command('advance <amount>')
    .description(t('sandbox.advance.description'))
    .option('--json', t('sandbox.clock.json'))
    .addHelpText('after', t('sandbox.advance.after'))
    .action(async (amount: string, options: { json?: boolean }) => {
      const advance = parseAdvance(amount)
      const hejie = await connect()
      const moved = await hejie.sandbox.clock.advance(advance)
      console.log(options.json ? JSON.stringify(moved, null, 2) : describe(moved))
    })
}
