import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const gatewayBin = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

export interface GatewayProcess {
  child: ChildProcess
  baseUrl: string
  /** Every line the process wrote, stdout and stderr, for assertions on logs. */
  output: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

interface Teardown {
  teardown(fn: () => unknown): void
}

/** Runs `hejie-gateway` as a real process and collects what it prints. */
export function runGateway(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [gatewayBin, ...args], {
    env: {
      PATH: process.env.PATH,
      LOG_FORMAT: 'json',
      HEJIE_MASTER_KEY: randomBytes(32).toString('base64'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => output.push(line))
  }
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }))
  return { child, output, exited }
}

/** Starts the gateway on a free port and waits until it says it is ready. */
export async function startGateway(t: Teardown, env: Record<string, string>): Promise<GatewayProcess> {
  const { child, output, exited } = runGateway(['start'], { PORT: '0', ...env })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const ready = output.map((line) => /ready on (http:\/\/[\d.:]+)/.exec(line)).find(Boolean)
    if (ready?.[1]) return { child, baseUrl: ready[1], output, exited }
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the gateway did not start:\n${output.join('\n')}`)
}
