import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  BodyTooLargeError,
  createWebhookHandler,
  type HandlerOptions,
  isMainModule,
  readRawBody,
  standaloneFromEnvironment,
  type WebhookHandler,
} from './webhook-handler.js'

/** A plain `node:http` server that receives Hejie webhooks on `POST /webhooks`. */
export function createNodeHttpReceiver(options: HandlerOptions | WebhookHandler): Server {
  const handler = 'receive' in options ? options : createWebhookHandler(options)
  return createServer(async (req, res) => {
    const reply = (status: number, text = '', headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text)
    }
    if (new URL(req.url ?? '/', 'http://receiver').pathname !== '/webhooks') return reply(404)
    if (req.method !== 'POST') return reply(405, '', { allow: 'POST' })
    try {
      // node:http gives the bytes and nothing else: collect the chunks.
      const answer = await handler.receive(await readRawBody(req), req.headers)
      reply(answer.status, answer.text)
    } catch (error) {
      if (error instanceof BodyTooLargeError) return reply(413, error.message, { connection: 'close' })
      reply(500)
    }
  })
}

if (isMainModule(import.meta.url)) {
  const { handler, port, host, listening } = standaloneFromEnvironment('node:http')
  const server = createNodeHttpReceiver(handler).listen(port, host, () =>
    listening((server.address() as AddressInfo).port),
  )
}
