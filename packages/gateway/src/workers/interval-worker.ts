import type { FastifyBaseLogger } from 'fastify'

export interface IntervalWorker {
  /** Runs the task now (tests, or a wake-up) unless a run is already in progress. */
  runNow(): Promise<void>
  /** Stops scheduling and waits for a run in progress to finish. */
  stop(): Promise<void>
}

/**
 * Runs a task every `intervalMs`, never two runs at once. A failing run is logged and the
 * schedule goes on: a database blip must not stop deadline scans or revocation refreshes.
 */
export function startIntervalWorker(
  name: string,
  intervalMs: number,
  task: () => Promise<void>,
  log: FastifyBaseLogger,
): IntervalWorker {
  let running: Promise<void> | undefined
  let stopped = false
  const runNow = () => {
    if (!running) {
      running = task()
        .catch((err) => log.error({ err, worker: name }, 'worker run failed'))
        .finally(() => {
          running = undefined
        })
    }
    return running
  }
  const timer = setInterval(() => {
    if (!stopped) void runNow()
  }, intervalMs)
  timer.unref()
  return {
    runNow,
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
