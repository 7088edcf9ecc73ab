import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import t from 'tap'
import { nodeFlags } from '../../src/node-flags.js'

const run = promisify(execFile)
const launcher = new URL('../../bin/hejie-gateway.js', import.meta.url)
const rootPackage = new URL('../../../../package.json', import.meta.url)

t.test('every launcher starts Node.js with the V8 settings of node-flags.ts', async (t) => {
  const node = `node ${nodeFlags.join(' ')} `
  const [firstLine] = (await readFile(launcher, 'utf8')).split('\n')
  t.equal(firstLine, `#!/usr/bin/env -S ${node.trimEnd()}`, 'the hejie-gateway command')
  const { scripts } = JSON.parse(await readFile(rootPackage, 'utf8'))
  t.match(scripts.start, `exec ${node}packages/gateway/dist/cli.js start`, 'pnpm start')
  t.equal(scripts.gateway, `${node}packages/gateway/dist/cli.js`, 'pnpm gateway')
})

t.test('the hejie-gateway command runs from its first line, settings and all', async (t) => {
  // Run as a program, not through node: `env -S` must split the settings from `node`, and
  // Node must accept each of them, or the command does not start at all.
  const { stdout } = await run(launcher.pathname, ['--help'])
  t.match(stdout, /Usage: hejie-gateway/)
})
