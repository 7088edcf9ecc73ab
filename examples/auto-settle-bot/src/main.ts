import { setTimeout as sleep } from 'node:timers/promises'
import { DeskSetupError, whoAmI } from '@hejie/example-enterprise-desk'
import { Hejie } from '@hejie/sdk'
import { runPass } from './bot.js'
import { defaultPolicy, type Policy } from './policy.js'
import { fileStateStore } from './state.js'

const baseUrl = process.env.HEJIE_BASE_URL ?? 'http://127.0.0.1:3000'
const clientId = process.env.HEJIE_CLIENT_ID
const clientSecret = process.env.HEJIE_CLIENT_SECRET
const once = process.argv.includes('--once')
const intervalMs = Number(process.env.HEJIE_BOT_INTERVAL_SECONDS ?? 30) * 1000
const policy: Policy = {
  ...defaultPolicy,
  claimLimitFen: Number(process.env.HEJIE_BOT_CLAIM_LIMIT_FEN ?? defaultPolicy.claimLimitFen),
  dailyBudgetFen: Number(process.env.HEJIE_BOT_DAILY_BUDGET_FEN ?? defaultPolicy.dailyBudgetFen),
}

if (!clientId?.startsWith('cli_') || !clientSecret?.startsWith('hjs_')) {
  console.error(
    'Set HEJIE_CLIENT_ID (cli_…) and HEJIE_CLIENT_SECRET (hjs_…) to your enterprise’s API client; ' +
      '`pnpm start` at the repository root prints a demo one.',
  )
  process.exit(2)
}

const hejie = new Hejie({ baseUrl, clientId, clientSecret })
const store = fileStateStore(process.env.HEJIE_BOT_STATE_FILE ?? '.hejie-auto-settle.json')
const stop = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort())

try {
  const me = await whoAmI(hejie, baseUrl)
  console.log(
    `Auto-settle bot of ${me.enterprise?.name ?? me.client_id} on ${baseUrl}: claims up to ` +
      `${policy.claimLimitFen} fen, ${policy.dailyBudgetFen} fen a day${once ? ', one pass' : `, every ${intervalMs / 1000} s`}`,
  )
  do {
    try {
      const report = await runPass(hejie, { store, policy })
      const failed = report.filter((line) => line.result === 'failed').length
      if (once && failed > 0) process.exitCode = 1
    } catch (error) {
      // A gateway restart or a network blip must not end the bot: the state file holds its place.
      if (once) throw error
      console.error(`The pass failed, trying again: ${error instanceof Error ? error.message : error}`)
    }
    if (!once) await sleep(intervalMs, undefined, { signal: stop.signal }).catch(() => undefined)
  } while (!once && !stop.signal.aborted)
} catch (error) {
  if (!(error instanceof DeskSetupError)) throw error
  console.error(error.message)
  process.exitCode = 2
}
