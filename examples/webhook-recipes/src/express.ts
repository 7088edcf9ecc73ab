import type { AddressInfo } from 'node:net'
import express, { type Express } from 'express'
import {
  createWebhookHandler,
  type HandlerOptions,
  isMainModule,
  maxBodyBytes,
  standaloneFromEnvironment,
  type WebhookHandler,
} from './webhook-handler.js'

/** An Express app that receives Hejie webhooks on `POST /webhooks`. */
export function createExpressReceiver(options: HandlerOptions | WebhookHandler): Express {
  const handler = 'receive' in options ? options : createWebhookHandler(options)
  const app = express()

  // express.raw on this route only: req.body is the Buffer as received. An app-wide
  // express.json() would parse it first, and the signature could no longer be checked.
  app.post('/webhooks', express.raw({ type: 'application/json', limit: maxBodyBytes }), async (req, res) => {
    const answer = await handler.receive(req.body, req.headers)
    res.status(answer.status).type('text/plain').send(answer.text)
  })
  return app
}

if (isMainModule(import.meta.url)) {
  const { handler, port, host, listening } = standaloneFromEnvironment('Express')
  const server = createExpressReceiver(handler).listen(port, host, () =>
    listening((server.address() as AddressInfo).port),
  )
}
