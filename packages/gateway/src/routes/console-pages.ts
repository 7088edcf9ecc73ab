import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { problem } from '../errors.js'
import { type ConsoleAssets, chooseEncoding } from '../http/console/assets.js'
import { httpsRequiredPage, notBuiltPage } from '../http/console/pages.js'
import { consoleTransport } from '../http/console/transport.js'

/**
 * The console's own script and styles only: no inline script or style, no other origin. It
 * calls this origin's `/console/session` and `/v1`, and shows evidence files from blob URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const securityHeaders = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
}

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60

/**
 * `/console` and every path under it (the console routes in the browser, so a reload or a
 * shared link of `/console/disputes/dsp_…` gets the same page) answer `index.html`;
 * `/console/assets/<name>` answers the built files. Not part of the API's contract: like
 * `/docs`, these routes are left out of the spec.
 */
export const consolePageRoutes: FastifyPluginAsync<{ assets: ConsoleAssets }> = async (app, { assets }) => {
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(securityHeaders)
    done(null, payload)
  })

  const html = (reply: FastifyReply, status: number, body: string | Buffer) =>
    reply.code(status).type('text/html; charset=utf-8').send(body)

  const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!consoleTransport(request).allowed)
      return html(reply.header('cache-control', 'no-store'), 403, httpsRequiredPage)
    if (!assets.index) return html(reply.header('cache-control', 'no-store'), 503, notBuiltPage)
    reply.header('cache-control', 'no-cache').header('etag', assets.index.etag)
    if (request.headers['if-none-match'] === assets.index.etag) return reply.code(304).send()
    return html(reply, 200, assets.index.html)
  }

  const options = { config: { access: 'public' as const }, schema: { hide: true } }
  // The page's query (filters, a page of a list, `lang`) is the console's to read, in the browser.
  const pageOptions = {
    ...options,
    schema: { ...options.schema, querystring: { type: 'object', additionalProperties: true } },
  }
  app.get('/console', pageOptions, sendIndex)
  app.get('/console/*', pageOptions, sendIndex)
  app.get<{ Params: { name: string } }>('/console/assets/:name', options, async (request, reply) => {
    const asset = assets.asset(request.params.name)
    if (!asset) throw problem('not_found', { en: 'No such file of the console.', zh: '控制台没有这个文件。' })
    const { encoding, body } = chooseEncoding(asset, request.headers['accept-encoding'])
    reply
      .header('cache-control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`)
      .header('vary', 'accept-encoding')
      .type(asset.contentType)
    if (encoding) reply.header('content-encoding', encoding)
    return reply.send(body)
  })
}
