import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { backend, freshDatabase } from '../helpers/database.js'
import { runGateway } from '../helpers/process.js'

const root = fileURLToPath(new URL('../../../../', import.meta.url))

/**
 * The shell commands of a guide's walkthrough, in order: every `sh` block between the
 * `<!-- walkthrough: start -->` and `<!-- walkthrough: end -->` markers. The first block is
 * the credentials the reader pastes from the start banner.
 */
function walkthrough(page: string): string[] {
  const text = readFileSync(join(root, page), 'utf8')
  const start = text.indexOf('<!-- walkthrough: start -->')
  const end = text.indexOf('<!-- walkthrough: end -->')
  if (start < 0 || end < start) throw new Error(`${page} has no walkthrough markers`)
  return [...text.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
}

/** `pnpm start` as the guide's first step runs it, on a fresh database; the banner's lines to paste. */
async function startSandbox(t: { teardown(fn: () => unknown): void }) {
  const database = await freshDatabase(t, { migrate: false })
  await database.close()
  const { location } = database
  const env: Record<string, string> =
    backend === 'postgres'
      ? { DATABASE_URL: `${location.databaseUrl}?options=-c%20search_path%3D${location.searchPath}` }
      : { HEJIE_SQLITE_PATH: location.sqlitePath }
  const gateway = runGateway(['start', '--sandbox', '--demo'], { PORT: '0', ...env })
  t.teardown(() => {
    if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL')
  })
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const pasted = gateway.output.filter((line) => line.startsWith('export '))
    if (pasted.length === 4) return pasted.join('\n')
    if (gateway.child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the sandbox did not start:\n${gateway.output.join('\n')}`)
}

/** Runs the commands in bash, as a reader pastes them, in a directory of its own that sees the built packages. */
async function runAsReader(t: { teardown(fn: () => unknown): void }, script: string) {
  const directory = mkdtempSync(join(tmpdir(), 'hejie-walkthrough-'))
  t.teardown(() => rmSync(directory, { recursive: true, force: true }))
  symlinkSync(join(root, 'packages'), join(directory, 'packages'))
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: directory,
    env: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      HOME: directory,
      HEJIE_CONFIG_DIR: join(directory, '.hejie'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const [code] = await once(child, 'exit')
  return { code, stdout, stderr }
}

for (const page of ['docs/getting-started.md', 'docs/zh/getting-started.md']) {
  t.test(
    `following ${page} as written settles a dispute, passes a deadline with the sandbox clock, and shows the escalation in the event feed (${backend})`,
    async (t) => {
      const [credentials, ...steps] = walkthrough(page)
      t.match(credentials, /^export HEJIE_BASE_URL=/, 'the first block is the banner’s lines to paste')
      const pasted = await startSandbox(t)
      const { code, stdout, stderr } = await runAsReader(t, [pasted, ...steps].join('\n'))
      t.equal(code, 0, `the commands ran without error:\n${stderr}`)
      t.match(stdout, /dsp_\w+: closed \(settled\), refunded 27 yuan/, 'a dispute settled and refunded')
      t.match(stdout, /Sandbox clock: .* ahead of real time/, 'the clock moved')
      t.match(
        stdout,
        /dispute\.overdue {2}(dsp_\w+)\ndispute\.escalated {2}\1/,
        'the feed shows the same dispute overdue, then escalated',
      )
      t.match(stdout, /Result\s+VERIFIED/, 'the audit log verified')
    },
  )
}
