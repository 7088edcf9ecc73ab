const integer = (value) => Math.round(value).toLocaleString('en-US')

/** How busy the rest of the machine was: on a shared machine, the first thing to look at. */
function othersLine(rounds) {
  const others = rounds.map((r) => r.cpu?.others).filter((value) => typeof value === 'number')
  if (others.length === 0) return []
  return [
    '',
    `CPU in cores during the rounds: other processes ${range(others)}; ` +
      `load generator ${range(rounds.map((r) => r.cpu.loadGenerator))}; server ${range(rounds.map((r) => r.cpu.server))}.`,
  ]
}

function range(values) {
  return `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`
}

/** The Markdown that `pnpm bench` prints and docs/performance.md quotes. */
export function markdown(result) {
  const { settings, machine, target, baseline } = result
  const failures = (side) => side.errors + side.non2xx
  const row = (name, side) =>
    `| ${name} | ${side.label} | ${integer(side.requestsPerSecond)} | ${side.latencyMs.p50} | ${side.latencyMs.p99} | ${failures(side)} | ${integer(side.requestsPerServerCpuSecond)} |`
  const perRound = (side) => side.rounds.map((r) => integer(r.requestsPerSecond)).join(', ')
  const lines = [
    `### ${result.benchmark}: ${result.description}`,
    '',
    `${result.date.slice(0, 10)}; ${settings.connections} connections, pipelining ${settings.pipelining}, ` +
      `${settings.warmupSeconds} s warm-up per side, then ${settings.roundsPerSide} × ${settings.durationSeconds} s ` +
      'rounds per side, alternating target and baseline.',
    '',
    '| side | server | requests/s (median) | p50 ms | p99 ms | errors + non-2xx | requests per server CPU-second |',
    '|---|---|--:|--:|--:|--:|--:|',
    row('target', target),
    row('baseline', baseline),
    '',
    `**target / baseline = ${result.ratio.toFixed(2)}** (ratio of the median requests/s); ` +
      `per server CPU-second: ${result.cpuRatio.toFixed(2)}`,
    '',
    `Rounds, requests/s: target ${perRound(target)}; baseline ${perRound(baseline)}.`,
    ...othersLine([...target.rounds, ...baseline.rounds]),
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${Math.round(machine.memoryGiB)} GiB; ` +
      `Node ${machine.node}; ${machine.platform} ${machine.arch}; load average before the run ` +
      `${machine.loadAverageBefore.join(' / ')}.`,
  ]
  if (result.source) {
    lines.push(
      '',
      `Code: commit ${result.source.commit ?? 'unknown'}` +
        (result.source.gatewayModified ? ' (with uncommitted changes in packages/gateway)' : '') +
        `; autocannon ${result.versions?.autocannon}, fastify ${result.versions?.fastify}.`,
    )
  }
  for (const warning of result.warnings ?? []) lines.push('', `Warning: ${warning}.`)
  return lines.join('\n')
}
