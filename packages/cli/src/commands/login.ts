import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import { connect } from '../connection.js'
import { saveCredentials } from '../credentials.js'
import { t } from '../i18n/index.js'

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
      if (done || !value?.trim()) throw new Error(t('login.required', { label }))
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
    .description(t('login.description'))
    .option('--base-url <url>', t('login.baseUrl'))
    .option('--client-id <id>', t('login.clientId'))
    .option('--client-secret <secret>', t('login.clientSecret'))
    .addHelpText('after', t('login.after'))
    .action(async (options: LoginOptions) => {
      const missing = [
        { name: 'baseUrl', label: t('login.askBaseUrl') },
        { name: 'clientId', label: t('login.askClientId') },
        { name: 'clientSecret', label: t('login.askClientSecret'), secret: true },
      ] as const
      const credentials = { ...options, ...(await ask(missing.filter(({ name }) => !options[name]))) }
      const { baseUrl, clientId, clientSecret } = credentials as Required<LoginOptions>
      const me = await (await connect({ baseUrl, clientId, clientSecret })).me()
      const file = await saveCredentials({ baseUrl, clientId, clientSecret })
      const who = me.enterprise
        ? t('login.enterprise', { name: me.enterprise.name, id: me.enterprise.id })
        : me.jurisdiction
          ? t('login.regulator', { role: me.role, name: me.jurisdiction.name, code: me.jurisdiction.code })
          : me.role
      console.log(t('login.done', { baseUrl, clientId: me.client_id, who }))
      console.log(t('login.saved', { file }))
    })
}
