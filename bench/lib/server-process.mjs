// One server under test per process: the load generator lives in the parent, so the two
// never compete for one event loop and the server's numbers are its own.
//
// Protocol (IPC): the parent forks this file with the benchmark module's URL and a side
// ("target" or "baseline"); this process answers { type: 'ready', port, info } once it
// listens, { type: 'cpu', usage } when asked, and closes and exits on { type: 'stop' } or
// when the parent goes away (so an interrupted run leaves no server behind).
import { loadBenchmark } from './benchmark.mjs'

const [moduleUrl, side] = process.argv.slice(2)

let running
let closing = false

async function stop(code) {
  if (closing) return
  closing = true
  try {
    await running?.close?.()
  } catch (error) {
    console.error(`bench server (${side}): close failed:`, error)
    code = 1
  }
  process.exit(code)
}

process.on('message', (message) => {
  if (message?.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() })
  else if (message?.type === 'stop') void stop(0)
})
process.on('disconnect', () => void stop(0))

try {
  const benchmark = await loadBenchmark(moduleUrl)
  running = await benchmark[side].start()
  if (!Number.isInteger(running?.port) || running.port <= 0) {
    throw new Error(`${benchmark.name}: ${side}.start() must resolve to { port, close }`)
  }
  process.send({ type: 'ready', port: running.port, info: running.info ?? null })
} catch (error) {
  closing = true
  process.send({ type: 'failed', message: error?.stack ?? String(error) }, () => process.exit(1))
}
