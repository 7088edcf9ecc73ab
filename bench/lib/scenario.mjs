import { CpuMonitor, OTHERS_WARNING_CORES } from './cpu.mjs'
import { machineFacts } from './machine.mjs'
import { startService } from './service.mjs'
import { integer } from './stats.mjs'

/**
 * Runs a scenario benchmark: one that drives its own scenario (a webhook backlog drained, a
 * million-entry audit log built and proved, an SDK against raw requests) instead of one
 * HTTP target and baseline under autocannon. Its module's default export is
 *
 *   {
 *     name, description,
 *     defaults: { duration, rounds, warmup, connections },  // optional: its own defaults
 *     options: { events: { default, min, max, description } }, // optional: integer options
 *     run: async (context) => Outcome,
 *   }
 *
 * `context` gives the options, `log`, `service(name, moduleUrl, exportName, args)` (a part in
 * a process of its own, stopped after the run, its CPU counted under `name`),
 * `watch(name, pid)` for a process started otherwise, and `measure(label, work)`, which runs
 * `work` as one measured window and returns { value, cpu }: every window records the CPU each
 * part and the rest of the machine used, and a window in which other processes used
 * ≥ 0.25 core gives the result a warning.
 *
 * Outcome: { settings, summary (one line), tables: [{ title, columns, rows }], bars:
 * [{ bar, value, met }] (met: null when the run was too small to judge the bar), notes: [...],
 * failures: [...], data (anything else for the JSON) }.
 * Any failure (a delivery that failed, a command that exited non-zero) fails the run.
 */
export async function runScenario(benchmark, options, log = console.log) {
  const startedAt = new Date()
  const loadBefore = machineFacts().loadAverage
  const monitor = new CpuMonitor()
  const services = []
  const context = {
    options,
    log,
    async service(name, moduleUrl, exportName, args) {
      const started = await startService(name, moduleUrl, exportName, args)
      services.push(started)
      monitor.watch(name, started.pid)
      return started
    },
    watch: (name, pid) => monitor.watch(name, pid),
    measure: (label, work) => monitor.measure(label, work),
  }
  let outcome
  try {
    outcome = await benchmark.run(context)
  } finally {
    // Stopped in reverse order: clients before the servers they talk to.
    for (const started of services.reverse()) await started.stop().catch(() => {})
  }
  const busy = monitor.windows.filter((window) => (window.others ?? 0) >= OTHERS_WARNING_CORES)
  const warnings = [...(outcome.warnings ?? [])]
  if (busy.length > 0) {
    warnings.push(
      `other processes used ≥ ${OTHERS_WARNING_CORES} core in ${busy.length} of ${monitor.windows.length} ` +
        'measured window(s): the machine was not quiet',
    )
  }
  const failures = outcome.failures ?? []
  return {
    kind: 'scenario',
    benchmark: benchmark.name,
    description: benchmark.description,
    date: startedAt.toISOString(),
    ok: failures.length === 0,
    settings: outcome.settings ?? {},
    summary: outcome.summary ?? '',
    machine: { ...machineFacts(), loadAverageBefore: loadBefore },
    tables: outcome.tables ?? [],
    bars: outcome.bars ?? [],
    notes: outcome.notes ?? [],
    data: outcome.data ?? {},
    cpuWindows: monitor.windows,
    warnings,
    failures,
  }
}

function cell(value) {
  if (typeof value === 'number') return Number.isInteger(value) ? integer(value) : String(value)
  return String(value ?? '')
}

function table({ title, columns, rows }) {
  const lines = title ? [title, ''] : []
  lines.push(`| ${columns.map((c) => c.label).join(' | ')} |`)
  lines.push(`|${columns.map((c) => (c.numeric ? '--:' : '---')).join('|')}|`)
  for (const row of rows) lines.push(`| ${columns.map((c) => cell(row[c.key])).join(' | ')} |`)
  return lines.join('\n')
}

function range(values) {
  return values.length === 0 ? '–' : `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`
}

/** The Markdown a scenario run prints, and docs/performance.md quotes. */
export function scenarioMarkdown(result) {
  const { machine } = result
  const lines = [`### ${result.benchmark}: ${result.description}`, '']
  if (result.summary) lines.push(`${result.date.slice(0, 10)}; ${result.summary}`, '')
  for (const t of result.tables) lines.push(table(t), '')
  for (const { bar, value, met } of result.bars) {
    const verdict =
      met === null
        ? 'not judged: this run was smaller than the bar'
        : met
          ? 'met in this run'
          : 'NOT met in this run'
    lines.push(`- ${bar}: **${value}** (${verdict})`)
  }
  if (result.bars.length > 0) lines.push('')
  for (const note of result.notes) lines.push(note, '')
  const windows = result.cpuWindows
  if (windows.length > 0) {
    // A part that never used CPU in any window (an idle one, or no command that ended) is left out.
    const names = [...new Set(windows.flatMap((w) => Object.keys(w.cores)))].filter((name) =>
      windows.some((w) => (w.cores[name] ?? 0) > 0),
    )
    const parts = names.map(
      (name) => `${name} ${range(windows.map((w) => w.cores[name]).filter((v) => v !== undefined))}`,
    )
    const others = windows.map((w) => w.others).filter((v) => v !== null)
    lines.push(
      `CPU in cores during the ${windows.length} measured window(s): other processes ${range(others)}; ${parts.join('; ')}.`,
      '',
    )
    const peaks = {}
    for (const window of windows) {
      for (const [name, mib] of Object.entries(window.peakRssMiB ?? {}))
        peaks[name] = Math.max(peaks[name] ?? 0, mib)
    }
    if (Object.keys(peaks).length > 0) {
      lines.push(
        `Peak resident memory (VmHWM) by the end of the last window: ${Object.entries(peaks)
          .map(([name, mib]) => `${name} ${mib} MiB`)
          .join('; ')}.`,
        '',
      )
    }
  }
  lines.push(
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${Math.round(machine.memoryGiB)} GiB; ` +
      `Node ${machine.node}; ${machine.platform} ${machine.arch}; load average before the run ` +
      `${machine.loadAverageBefore.join(' / ')}.`,
  )
  if (result.source) {
    lines.push(
      '',
      `Code: commit ${result.source.commit ?? 'unknown'}` +
        (result.source.modified ? ` (with uncommitted changes in ${result.source.modified})` : '') +
        '.',
    )
  }
  for (const warning of result.warnings) lines.push('', `Warning: ${warning}.`)
  return lines.join('\n')
}
