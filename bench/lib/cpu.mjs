import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { machineFacts } from './machine.mjs'
import { round3 } from './stats.mjs'

/** Clock ticks per second of /proc's CPU times (100 on every Linux we run on; asked anyway). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/**
 * CPU seconds (user + system) a process has used so far, or undefined once it is gone; with
 * `children`, what its children that ended (and were waited for) used in their lives.
 */
export function processCpuSeconds(pid, { children = false } = {}) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const [user, system] = children ? [fields[13], fields[14]] : [fields[11], fields[12]]
    return (Number(user) + Number(system)) / TICKS_PER_SECOND
  } catch {
    return undefined
  }
}

/**
 * The most memory a process has held resident so far (VmHWM), in MiB, or undefined once it
 * is gone. Read at the end of each window, it is the peak up to then: the last is the run's.
 */
export function peakResidentMiB(pid) {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Math.round(Number(match[1]) / 1024) : undefined
  } catch {
    return undefined
  }
}

/** A process's resident memory now (VmRSS), in MiB, or undefined once it is gone. */
export function residentMiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

/** Busy and total time of the whole machine, in core-seconds. */
function machineSeconds() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields
    const busy = user + nice + system + irq + softirq + steal
    return { busy: busy / TICKS_PER_SECOND, total: (busy + idle + iowait) / TICKS_PER_SECOND }
  } catch {
    return undefined
  }
}

/**
 * Who used the CPU while something was measured: each process of the benchmark (by name),
 * and everything else on the machine ("others"), in cores (CPU seconds per wall second).
 * `others` is what makes a result incomparable: another engineer's test run, a build.
 */
export class CpuMonitor {
  #processes = new Map()
  windows = []

  /** Counts this process's CPU under `name` from now on (its own CPU is always counted as `bench`). */
  watch(name, pid) {
    this.#processes.set(name, pid)
  }

  #sample() {
    const processes = {}
    for (const [name, pid] of [['bench', process.pid], ...this.#processes]) {
      processes[name] = processCpuSeconds(pid)
    }
    // A command that ran and ended within the window (`hejie audit verify`) is gone from
    // /proc by its end: its CPU shows in what this process's ended children used.
    processes['ended commands'] = processCpuSeconds(process.pid, { children: true })
    return { at: performance.now(), machine: machineSeconds(), processes }
  }

  /** Starts a measured window; the function it returns ends it and returns the window's CPU. */
  start(label) {
    const before = this.#sample()
    return () => {
      const after = this.#sample()
      const wall = (after.at - before.at) / 1000
      const cores = {}
      let ours = 0
      for (const [name, seconds] of Object.entries(after.processes)) {
        const start = before.processes[name]
        if (seconds === undefined || start === undefined) continue
        cores[name] = round3((seconds - start) / wall)
        ours += (seconds - start) / wall
      }
      let others = null
      if (before.machine && after.machine && after.machine.total > before.machine.total) {
        const busy =
          ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) *
          machineFacts().cores
        others = round3(Math.max(0, busy - ours))
      }
      const peakRssMiB = {}
      for (const [name, pid] of this.#processes) {
        const peak = peakResidentMiB(pid)
        if (peak !== undefined) peakRssMiB[name] = peak
      }
      const window = { label, seconds: round3(wall), cores, others, peakRssMiB }
      this.windows.push(window)
      return window
    }
  }

  /** Runs `work` as one measured window: resolves to { value, cpu }. */
  async measure(label, work) {
    const stop = this.start(label)
    const value = await work()
    return { value, cpu: stop() }
  }
}

/** The warning every result carries when the machine was not quiet. */
export const OTHERS_WARNING_CORES = 0.25
