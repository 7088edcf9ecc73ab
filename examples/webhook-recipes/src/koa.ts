import type { AddressInfo } from 'node:net'
import Koa from 'koa'
import {
  BodyTooLargeError,
  createWebhookHandler,
  type HandlerOptions,
  isMainModule,
  readRawBody,
  standaloneFromEnvironment,
  type WebhookHandler,
} from './webhook-handler.js'

/** A Koa app that receives Hejie webhooks on `POST /webhooks`. */
export function createKoaReceiver(options: HandlerOptions | WebhookHandler): Koa {
  const handler = 'receive' in options ? options : createWebhookHandler(options)
  const app = new Koa()

  // Before any body parser: koa-bodyparser would consume the stream and keep only the
  // parsed JSON, and the signature covers the bytes.
  app.use(async (ctx, next) => {
    if (ctx.path !== '/webhooks') return next()
    if (ctx.method !== 'POST') {
      ctx.set('allow', 'POST')
      ctx.status = 405
      return
    }
    let rawBody: Buffer
    try {
      rawBody = await readRawBody(ctx.req)
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error
      ctx.status = 413
      return
    }
    const answer = await handler.receive(rawBody, ctx.headers)
    ctx.status = answer.status
    ctx.type = 'text/plain'
    ctx.body = answer.text
  })
  return app
}

if (isMainModule(import.meta.url)) {
  const { handler, port, host, listening } = standaloneFromEnvironment('Koa')
  const server = createKoaReceiver(handler).listen(port, host, () =>
    listening((server.address() as AddressInfo).port),
  )
}
