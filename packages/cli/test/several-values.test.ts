import type { Command } from 'commander'
import t from 'tap'
import { setLocale } from '../src/i18n/index.js'
import { createProgram } from '../src/program.js'

// In this process, whatever the locale of the shell: the messages checked are the English ones.
setLocale('en')

/**
 * The options a command line parses to, the command's action replaced by nothing, or the
 * usage error it is refused with.
 */
async function parse(path: string[], args: string[]) {
  const program = createProgram()
  let errors = ''
  program.configureOutput({ writeErr: (text) => (errors += text), writeOut: () => {} })
  let command: Command = program
  for (const name of path) {
    const sub = command.commands.find((candidate) => candidate.name() === name)
    if (!sub) throw new Error(`no command ${name}`)
    sub.configureOutput({ writeErr: (text) => (errors += text), writeOut: () => {} })
    command = sub
  }
  command.action(() => {})
  try {
    await program.parseAsync([...path, ...args], { from: 'user' })
    return { options: command.opts(), errors }
  } catch {
    return { options: undefined, errors }
  }
}

// Every flag that takes several values, with the other options its command needs.
const flags = [
  { path: ['disputes', 'list'], flag: '--status', values: ['assigned', 'closed'], needs: [] },
  { path: ['events', 'tail'], flag: '--type', values: ['dispute.assigned', 'refund.recorded'], needs: [] },
  {
    path: ['webhooks', 'listen'],
    flag: '--events',
    values: ['dispute.assigned', 'dispute.overdue'],
    needs: ['--forward-to', 'http://127.0.0.1:4242/'],
  },
  {
    path: ['routing-rules', 'create'],
    flag: '--keyword',
    values: ['外卖', '变质'],
    needs: ['--priority', '1', '--unit', 'hnu_1'],
  },
  {
    path: ['audit', 'verify'],
    flag: '--require-witness',
    values: ['a.example/w1+0a1b2c3d+AQID', 'b.example/w2+4e5f6a7b+BAUG'],
    needs: ['bundle.ndjson'],
  },
] as const

for (const { path, flag, values, needs } of flags) {
  t.test(`${path.join(' ')} ${flag} takes several values repeated, with commas, or both`, async (t) => {
    const key = flag.slice(2).replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase()) as keyof Record<
      string,
      unknown
    >
    const [first, second] = values
    const forms = [
      [flag, `${first},${second}`],
      [flag, `${first}, ${second}`],
      [flag, first, flag, second],
    ]
    for (const form of forms) {
      const { options, errors } = await parse([...path], [...needs, ...form])
      t.same(options?.[key], values, `${form.join(' ')}${errors ? `: ${errors}` : ''}`)
    }
    const more = await parse([...path], [...needs, flag, `${first},${second}`, flag, first])
    t.same(more.options?.[key], [first, second, first], 'a comma list and a repeat add up')
  })
}

t.test('a value outside the choices is refused in a comma list as on its own', async (t) => {
  for (const status of ['open', 'assigned,open']) {
    const { options, errors } = await parse(['disputes', 'list'], ['--status', status])
    t.equal(options, undefined, status)
    t.match(errors, /argument '.*' is invalid\. Allowed choices are assigned, in_progress/)
  }
  const types = await parse(['events', 'tail'], ['--type', 'dispute.assigned,dispute.created'])
  t.equal(types.options, undefined)
  t.match(types.errors, /unknown event type dispute\.created/)
})
