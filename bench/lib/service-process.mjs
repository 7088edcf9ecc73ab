// One part of a scenario benchmark in a process of its own (a webhook receiver, an SDK
// client, a gateway): what is measured never shares an event loop with what measures it.
//
// Protocol (IPC): the parent forks this file with a module URL and the name of one of its
// exports, then sends { type: 'start', args }. The export is called with `args` and
// resolves to a service object; this process answers { type: 'ready', info } (the
// service's `info`, JSON), then runs { type: 'call', id, method, args } as
// `service[method](...args)` and answers { type: 'result', id, value } or
// { type: 'error', id, message }. { type: 'stop' }, or the parent going away, runs
// `service.close()` and exits.
const [moduleUrl, exportName] = process.argv.slice(2)

let service
let closing = false

async function stop(code) {
  if (closing) return
  closing = true
  try {
    await service?.close?.()
  } catch (error) {
    console.error(`bench ${exportName}: close failed:`, error)
    code = 1
  }
  process.exit(code)
}

process.on('disconnect', () => void stop(0))
process.on('message', async (message) => {
  if (message?.type === 'stop') return void stop(0)
  if (message?.type === 'start') {
    try {
      const module = await import(moduleUrl)
      if (typeof module[exportName] !== 'function') throw new Error(`${moduleUrl} exports no ${exportName}()`)
      service = await module[exportName](message.args ?? {})
      process.send({ type: 'ready', info: service?.info ?? null })
    } catch (error) {
      closing = true
      process.send({ type: 'failed', message: error?.stack ?? String(error) }, () => process.exit(1))
    }
    return
  }
  if (message?.type === 'call') {
    const { id, method, args = [] } = message
    try {
      if (typeof service?.[method] !== 'function') throw new Error(`${exportName} has no method ${method}()`)
      const value = await service[method](...args)
      process.send({ type: 'result', id, value: value ?? null })
    } catch (error) {
      process.send({ type: 'error', id, message: error?.stack ?? String(error) })
    }
  }
})
