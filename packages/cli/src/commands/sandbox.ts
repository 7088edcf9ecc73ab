import type { ClockAdvance, SandboxClock } from '@hejie/sdk'
import { type Command, InvalidArgumentError } from 'commander'
import { connect } from '../connection.js'
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
    throw new InvalidArgumentError('write it as working days and/or hours, e.g. 3wd, 4h or 2wd4h')
  return { ...(workingDays ? { working_days: workingDays } : {}), ...(hours ? { hours } : {}) }
}

function describe(clock: SandboxClock): string {
  const hours = clock.offset_ms / 3_600_000
  const ahead =
    clock.offset_ms === 0
      ? 'real time (never moved)'
      : `${hours >= 48 ? `${(hours / 24).toFixed(1)} days` : `${hours.toFixed(1)} h`} ahead of real time`
  return `Sandbox clock: ${shanghaiTime(clock.now)} (Asia/Shanghai), ${ahead}`
}

/** `hejie sandbox`: the sandbox's movable clock (only against a gateway started with --sandbox). */
export function sandboxCommand(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('the sandbox of a gateway started with --sandbox (pnpm start): its movable clock')
  const clock = sandbox
    .command('clock')
    .description('show the sandbox clock')
    .option('--json', 'print the clock as JSON, as the API returns it')
    .action(async (options: { json?: boolean }) => {
      const hejie = await connect()
      const shown = await hejie.sandbox.clock.retrieve()
      console.log(options.json ? JSON.stringify(shown, null, 2) : describe(shown))
    })
  clock
    .command('advance <amount>')
    .description('move the clock forward for every instance: 3wd (working days), 4h (hours), or 2wd4h')
    .option('--json', 'print the clock as JSON, as the API returns it')
    .addHelpText(
      'after',
      '\nDeadlines, scanners and timestamps follow; the deadline scan runs before the answer, so\nthe events of deadlines passed are in the feed (hejie events tail) when it returns.\n\nExample:\n  hejie sandbox clock advance 11wd',
    )
    .action(async (amount: string, options: { json?: boolean }) => {
      const advance = parseAdvance(amount)
      const hejie = await connect()
      const moved = await hejie.sandbox.clock.advance(advance)
      console.log(options.json ? JSON.stringify(moved, null, 2) : describe(moved))
    })
}
