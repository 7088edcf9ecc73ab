import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  at: number
}

export interface Answer {
  status: number
  headers?: Record<string, string>
  body?: string
  delayMs?: number
}

/**
 * A real HTTP server on loopback that records every webhook request and answers as told.
 * It also notices when one `webhook-id` arrives while an earlier request with that id is
 * still being answered: the same delivery sent twice at once.
 */
export async function startReceiver(
  t: { teardown(fn: () => unknown): void },
  answer: (request: Received, index: number) => Answer = () => ({ status: 200 }),
) {
  const received: Received[] = []
  const open = new Set<string>()
  let concurrentDuplicates = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }
      const id = String(req.headers['webhook-id'])
      if (open.has(id)) concurrentDuplicates += 1
      open.add(id)
      received.push(request)
      const reply = answer(request, received.length - 1)
      // A request the sender gave up on (its connection closed) is no longer in flight.
      res.on('close', () => open.delete(id))
      setTimeout(() => {
        open.delete(id)
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers })
        res.end(reply.body ?? '')
      }, reply.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    concurrentDuplicates: () => concurrentDuplicates,
    /** Resolves when `predicate` holds of what was received, or rejects after `timeoutMs`. */
    async waitFor(predicate: (received: Received[]) => boolean, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(`the receiver waited ${timeoutMs} ms in vain (${received.length} received)`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
  }
}

/** The `type` of each event received, in arrival order. */
export function typesOf(received: Received[]): string[] {
  return received.map((request) => JSON.parse(request.body).type)
}
