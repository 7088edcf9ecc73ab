import { Hejie } from '@hejie/sdk'
import { DeskSetupError, fileCursorStore, followTheFeed, whoAmI, workTheQueue } from './desk.js'
import { demoHandlers } from './handlers.js'

const baseUrl = process.env.HEJIE_BASE_URL ?? 'http://127.0.0.1:3000'
const clientId = process.env.HEJIE_CLIENT_ID
const clientSecret = process.env.HEJIE_CLIENT_SECRET
const follow = process.argv.includes('--follow')

if (!clientId?.startsWith('cli_') || !clientSecret?.startsWith('hjs_')) {
  console.error(
    'Set HEJIE_CLIENT_ID (cli_…) and HEJIE_CLIENT_SECRET (hjs_…) to your enterprise’s API client; ' +
      '`pnpm start` at the repository root prints a demo one.',
  )
  process.exit(2)
}

const hejie = new Hejie({ baseUrl, clientId, clientSecret })
const cursorStore = fileCursorStore(process.env.HEJIE_DESK_CURSOR_FILE ?? '.hejie-desk-cursor')
const handlers = demoHandlers()

try {
  const me = await whoAmI(hejie, baseUrl)
  console.log(`Desk of ${me.enterprise?.name ?? me.client_id} on ${baseUrl}`)
  if (follow) {
    const stop = new AbortController()
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort())
    await followTheFeed(hejie, handlers, { cursorStore, signal: stop.signal })
  } else {
    const { newAssignments, handled } = await workTheQueue(hejie, handlers, { cursorStore })
    const failed = handled.filter((item) => item.result === 'failed').length
    console.log(
      `${handled.length} handled (${newAssignments.length} assigned since the last run), ${failed} failed`,
    )
    // Failed disputes are retried by the next pass; the exit code tells the scheduler.
    if (failed > 0) process.exitCode = 1
  }
} catch (error) {
  if (!(error instanceof DeskSetupError)) throw error
  console.error(error.message)
  process.exitCode = 2
}
