import { existsSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { cachedLogPaths } from '../lib/audit-log.mjs'
import { cachedLog, exportLog, withGatewayOnCopy } from '../lib/audit-scenario.mjs'
import { BenchmarkFailure } from '../lib/harness.mjs'
import { runCommand } from '../lib/service.mjs'
import { integer, median, round3 } from '../lib/stats.mjs'
import { cliPath, root } from '../lib/workspace.mjs'

const readBundle = fileURLToPath(new URL('../lib/read-bundle.mjs', import.meta.url))

/** The export of the cached log (`audit-proofs` leaves it), made now when it is missing. */
async function bundle(context, entries, writers) {
  const { export: file } = cachedLogPaths(entries)
  if (existsSync(file)) {
    context.log(`verifying the cached export ${file}`)
    return file
  }
  const log = await cachedLog(context, { entries, writers })
  context.log('exporting the log over HTTP')
  await withGatewayOnCopy(context, log.database, (gateway) => exportLog(context, gateway, file, entries))
  return file
}

function tail(text) {
  return text.trim().split('\n').slice(-5).join('\n')
}

/** Runs one command as a measured window; any exit but 0 fails the benchmark. */
async function timed(context, name, args, explain) {
  const { value: run, cpu } = await context.measure(name, () =>
    runCommand(process.execPath, args, { cwd: root }),
  )
  if (run.code !== 0) throw new BenchmarkFailure(explain(run))
  // The command ended within the window: its CPU is what ended children used meanwhile.
  return { seconds: run.seconds, cores: cpu.cores['ended commands'], stdout: run.stdout }
}

/**
 * `hejie audit verify` on the export of a million-entry log, as an auditor runs it: the
 * command line, timed from start to exit, which must be 0. The baseline is the floor of any
 * verifier: reading the same file and parsing every line.
 */
export default {
  name: 'audit-verify',
  description: '`hejie audit verify` of a 1,000,000-entry export vs reading and parsing the same file',
  defaults: { rounds: 3 },
  options: {
    entries: { default: 1_000_000, min: 1_000, max: 100_000_000, description: 'entries in the exported log' },
    writers: { default: 64, min: 1, max: 1_000, description: 'writes in flight if the log must be built' },
  },
  async run(context) {
    const { options, log } = context
    const { entries, writers, rounds } = options
    if (!existsSync(cliPath)) {
      throw new BenchmarkFailure(
        'packages/cli/dist/cli.js is missing: build the CLI (`pnpm run build`) first',
      )
    }
    const file = await bundle(context, entries, writers)
    const verify = () =>
      timed(context, 'hejie', [cliPath, 'audit', 'verify', file], (run) =>
        /unknown command|too many arguments/i.test(run.stderr)
          ? '`hejie audit verify` does not exist yet in packages/cli: this benchmark measures that command, ' +
            `so it cannot run before the command is there.\n${tail(run.stderr)}`
          : `\`hejie audit verify\` exited with ${run.signal ?? `code ${run.code}`}: the bundle did not verify ` +
            `or the command failed.\n${tail(run.stderr || run.stdout)}`,
      )
    const floor = () =>
      timed(context, 'reader', [readBundle, file], (run) => `reading the bundle failed: ${tail(run.stderr)}`)

    const measured = { verify: [], floor: [] }
    for (let round = 1; round <= rounds; round++) {
      measured.verify.push(await verify())
      measured.floor.push(await floor())
      log(
        `round ${round}/${rounds}: hejie audit verify ${round3(measured.verify.at(-1).seconds)} s, ` +
          `read and parse ${round3(measured.floor.at(-1).seconds)} s`,
      )
    }
    const lines = Number(measured.floor[0].stdout.trim())
    const row = (label, list) => ({
      label,
      seconds: round3(median(list.map((r) => r.seconds))),
      rounds: list.map((r) => round3(r.seconds)).join(', '),
      cores: round3(median(list.map((r) => r.cores))),
      perSecond: Math.round((lines - 3) / median(list.map((r) => r.seconds))),
    })
    const target = row(`\`hejie audit verify\` (exit 0)`, measured.verify)
    const baseline = row('read the file and parse every line', measured.floor)
    return {
      settings: { entries, lines, bytes: statSync(file).size, rounds },
      summary:
        `the export of a ${integer(entries)}-entry log (${integer(lines)} lines, ` +
        `${integer(statSync(file).size / 2 ** 20)} MiB), ${rounds} round(s) alternating the command and the ` +
        'baseline, each a fresh process timed from start to exit.',
      tables: [
        {
          columns: [
            { key: 'label', label: 'command' },
            { key: 'seconds', label: 'seconds (median)', numeric: true },
            { key: 'rounds', label: 'rounds', numeric: true },
            { key: 'cores', label: 'CPU, cores', numeric: true },
            { key: 'perSecond', label: 'entries/s', numeric: true },
          ],
          rows: [target, baseline],
        },
      ],
      bars: [
        {
          bar: `verifying an export of ${integer(entries)} entries < 30 s`,
          value: `${target.seconds} s (${round3(target.seconds / baseline.seconds).toFixed(1)}× reading it)`,
          met: entries >= 1_000_000 ? target.seconds < 30 : null,
        },
      ],
      data: measured,
    }
  },
}
