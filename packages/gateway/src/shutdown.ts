import closeWithGrace from 'close-with-grace'
import type { Logger } from 'pino'

const stopSignals = ['SIGINT', 'SIGTERM'] as const

/**
 * How long after the first stop signal another one is the same request to stop. Ctrl-C in a
 * terminal signals the whole process group, and a package manager running the gateway
 * (`pnpm start`) passes the signal on as well: the gateway gets it twice at once.
 */
export const repeatedSignalMs = 1000

/**
 * Runs `stop` on SIGINT or SIGTERM (or an uncaught error), then exits: 0 after a signal, 1
 * after an error or when `stop` takes longer than `delayMs`. A second signal later than
 * `repeatedSignalMs` after the first exits at once, with 1.
 */
export function stopGracefully(
  options: { delayMs: number; logger: Logger },
  stop: (reason: { signal?: NodeJS.Signals; err?: Error }) => Promise<void>,
): void {
  const { logger } = options
  let signal: NodeJS.Signals | undefined
  let firstAt = 0
  const grace = closeWithGrace(
    {
      delay: options.delayMs,
      // Signals are handled below: close-with-grace would take the copy of a Ctrl-C that the
      // package manager forwards for a second Ctrl-C, and stop without finishing.
      skip: [...stopSignals],
      logger: { error: (message: string) => logger.error(message) },
    },
    async ({ err }) => stop({ ...(signal ? { signal } : {}), ...(err ? { err } : {}) }),
  )
  const onSignal = (received: NodeJS.Signals) => {
    if (signal === undefined) {
      signal = received
      firstAt = Date.now()
      grace.close()
      return
    }
    if (Date.now() - firstAt < repeatedSignalMs) return
    logger.error(`second ${received}: stopping without waiting for in-flight work`)
    process.exit(1)
  }
  for (const name of stopSignals) process.on(name, onSignal)
}
