import Fastify, { type FastifyInstance } from 'fastify'
import {
  createWebhookHandler,
  type HandlerOptions,
  isMainModule,
  maxBodyBytes,
  standaloneFromEnvironment,
  type WebhookHandler,
} from './webhook-handler.js'

/** A Fastify app that receives Hejie webhooks on `POST /webhooks`. */
export function createFastifyReceiver(options: HandlerOptions | WebhookHandler): FastifyInstance {
  const handler = 'receive' in options ? options : createWebhookHandler(options)
  const app = Fastify({ bodyLimit: maxBodyBytes })

  // Registered in a plugin of its own, so the raw-body parser applies to this route only:
  // the rest of your app keeps Fastify's JSON parsing.
  app.register(async (webhooks) => {
    webhooks.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    )
    webhooks.post<{ Body: Buffer }>('/webhooks', async (request, reply) => {
      const answer = await handler.receive(request.body, request.headers)
      return reply.code(answer.status).type('text/plain; charset=utf-8').send(answer.text)
    })
  })
  return app
}

if (isMainModule(import.meta.url)) {
  const { handler, port, host, listening } = standaloneFromEnvironment('Fastify')
  const app = createFastifyReceiver(handler)
  await app.listen({ port, host })
  const address = app.server.address()
  listening(typeof address === 'object' && address ? address.port : port)
}
