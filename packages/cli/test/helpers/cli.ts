import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const cliBin = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface CliProcess {
  child: ChildProcess
  /** The lines written so far to standard output and standard error. */
  stdout: string[]
  stderr: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** The first line matching `pattern` (on standard output unless told), once it is written (10 s at most). */
  line(pattern: RegExp, options?: { stream?: 'stdout' | 'stderr'; timeoutMs?: number }): Promise<string>
}

/**
 * Runs the built `hejie` as a real process, with an empty configuration folder of its own
 * and only the environment given (credentials as `HEJIE_BASE_URL` and friends), `input` (or
 * nothing) piped to its standard input. Killed when the test ends if it is still running.
 * Its messages are in English (`LANG=C`) unless `env` sets `LANG`, `LC_ALL` or `HEJIE_LANG`:
 * a Chinese locale of the shell that runs the tests is not inherited.
 */
export function runCli(
  t: Teardown,
  args: string[],
  env: Record<string, string> = {},
  options: { input?: string } = {},
): CliProcess {
  const configDir = mkdtempSync(join(tmpdir(), 'hejie-cli-config-'))
  const child = spawn(process.execPath, [cliBin, ...args], {
    env: { PATH: process.env.PATH, HEJIE_CONFIG_DIR: configDir, LANG: 'C', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin.end(options.input ?? '')
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(configDir, { recursive: true, force: true })
  })
  const stdout: string[] = []
  const stderr: string[] = []
  createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line))
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line))
  let done = false
  const closed = once(child, 'close').then(() => {
    done = true
    return { code: child.exitCode, signal: child.signalCode }
  })
  return {
    child,
    stdout,
    stderr,
    exited: closed,
    async line(pattern, { stream = 'stdout', timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = (stream === 'stdout' ? stdout : stderr).find((line) => pattern.test(line))
        if (found !== undefined) return found
        if (done || Date.now() > deadline) {
          throw new Error(
            `hejie printed no line matching ${pattern}:\n${stdout.join('\n')}\n--- stderr\n${stderr.join('\n')}`,
          )
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
  }
}
