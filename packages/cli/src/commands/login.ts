import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import { connect } from '../connection.js'
import { saveCredentials } from '../credentials.js'

interface LoginOptions {
  baseUrl?: string
  clientId?: string
  clientSecret?: string
}

/**
 * Reads the missing values, one line each, from standard input: typed at a terminal (the
 * secret without echo), or piped, so that a secret need not appear in the shell's history.
 */
async function ask(questions: { name: keyof LoginOptions; label: string; secret?: boolean }[]) {
  const terminal = Boolean(process.stdin.isTTY)
  const lines = createInterface({ input: process.stdin, output: process.stderr, terminal })
  const answers: LoginOptions = {}
  let muted = false
  if (terminal) {
    const rl = lines as unknown as { _writeToOutput(text: string): void }
    const write = rl._writeToOutput.bind(rl)
    rl._writeToOutput = (text) => write(muted && !text.startsWith('\r\n') ? '' : text)
  }
  try {
    const iterator = lines[Symbol.asyncIterator]()
    for (const { name, label, secret } of questions) {
      process.stderr.write(`${label}: `)
      muted = Boolean(secret)
      const { value, done } = await iterator.next()
      muted = false
      if (terminal && secret) process.stderr.write('\n')
      if (done || !value?.trim()) throw new Error(`${label} is required.`)
      answers[name] = value.trim()
    }
  } finally {
    lines.close()
  }
  return answers
}

export function loginCommand(program: Command): void {
  program
    .command('login')
    .description('save the API client credentials that the other commands use, after checking them')
    .option('--base-url <url>', 'where the gateway is, e.g. https://odr.example.gov.cn')
    .option('--client-id <id>', 'the API client id (cli_…)')
    .option('--client-secret <secret>', 'its secret (asked for when left out, without echo)')
    .addHelpText(
      'after',
      '\nValues left out are asked for; piped, they are read one per line from standard input.\n' +
        'The credentials are checked by getting an access token, then saved with mode 0600 to\n' +
        '$HEJIE_CONFIG_DIR/credentials.json (default ~/.config/hejie/credentials.json).',
    )
    .action(async (options: LoginOptions) => {
      const missing = [
        { name: 'baseUrl', label: 'Gateway URL' },
        { name: 'clientId', label: 'Client id' },
        { name: 'clientSecret', label: 'Client secret', secret: true },
      ] as const
      const credentials = { ...options, ...(await ask(missing.filter(({ name }) => !options[name]))) }
      const { baseUrl, clientId, clientSecret } = credentials as Required<LoginOptions>
      const me = await (await connect({ baseUrl, clientId, clientSecret })).me()
      const file = await saveCredentials({ baseUrl, clientId, clientSecret })
      const who = me.enterprise
        ? `enterprise ${me.enterprise.name} (${me.enterprise.id})`
        : me.jurisdiction
          ? `${me.role} of ${me.jurisdiction.name} (${me.jurisdiction.code})`
          : me.role
      console.log(`Logged in to ${baseUrl} as ${me.client_id}, ${who}.`)
      console.log(`Credentials saved to ${file}.`)
    })
}
