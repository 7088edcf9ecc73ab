import { SingleBar } from 'cli-progress'
import { t } from '../i18n/index.js'

/** What long audit work reports: bytes done, of how many when known, and entries. */
export interface Advance {
  bytes: number
  totalBytes?: number | undefined
  entries: number
}

export interface Progress {
  update(advance: Advance): void
  stop(): void
}

const PLAIN_EVERY_MS = 10_000

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`
}

/**
 * A progress bar on standard error when it is a terminal; otherwise (a log, a CI job) a plain
 * line every ten seconds, so that output meant for people does not fill a file with redraws.
 * Standard output keeps only the result.
 */
export function progress(verb: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now()
  if (!stream.isTTY) {
    let lastLine = started
    return {
      update({ bytes, totalBytes, entries }) {
        const now = Date.now()
        if (now - lastLine < PLAIN_EVERY_MS) return
        lastLine = now
        const share = totalBytes ? ` (${Math.floor((bytes / totalBytes) * 100)}%)` : ''
        stream.write(`${t('progress.line', { verb, entries, done: megabytes(bytes), share })}\n`)
      },
      stop() {},
    }
  }
  const bar = new SingleBar({
    stream,
    format: `${verb} [{bar}] {percentage}% | {entries} ${t('progress.entries')} | {done} | ${t('progress.eta')} {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: true,
    fps: 5,
  })
  let running = false
  return {
    update({ bytes, totalBytes, entries }) {
      // Without a total (a download of unknown length), the bar shows what has arrived.
      const total = totalBytes ?? Math.max(bytes, 1)
      const payload = { entries, done: megabytes(bytes) }
      if (!running) {
        bar.start(total, bytes, payload)
        running = true
      } else {
        bar.setTotal(total)
        bar.update(bytes, payload)
      }
    },
    stop() {
      if (running) bar.stop()
      running = false
    },
  }
}
