import t from 'tap'
import { testApp } from '../helpers/app.js'

t.test(
  'the spec and the Swagger UI name the gateway that served them, on whatever port it listens',
  async (t) => {
    const { app } = await testApp(t)
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    t.not(new URL(address).port, '3000')
    for (const path of ['/openapi.json', '/docs/json']) {
      const documentUrl = `${address}${path}`
      const spec = (await (await fetch(documentUrl)).json()) as { servers: { url: string }[] }
      t.ok(spec.servers.length > 0, path)
      for (const server of spec.servers) {
        // A client resolves a relative server URL against the document's own URL.
        t.equal(new URL(server.url, documentUrl).origin, address, `${path}: ${server.url}`)
      }
    }
    // "Try it out" sends a request to the first server plus the operation's path.
    const spec = (await (await fetch(`${address}/docs/json`)).json()) as { servers: { url: string }[] }
    const base = new URL(spec.servers[0]?.url ?? '', `${address}/docs/json`)
    const health = await fetch(new URL('healthz', base))
    t.equal(health.status, 200)
  },
)
