/**
 * An AbortSignal that SIGINT (Ctrl-C) or SIGTERM aborts, for commands that run until
 * stopped: they end their loop, finish cleanly and exit 0. A second signal while they do
 * exits at once. `stop()` aborts it from inside (standard output closed, say); `release()`
 * removes the handlers when the command is done.
 */
export function stopSignal(): { signal: AbortSignal; stop(reason: string): void; release(): void } {
  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(0)
    controller.abort(new Error(`stopped by ${name}`))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    stop(reason) {
      controller.abort(new Error(reason))
    },
    release() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}

/** Waits `ms`, or less when `signal` aborts (without throwing). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
