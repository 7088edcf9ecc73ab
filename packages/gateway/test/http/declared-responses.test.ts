import { readFileSync } from 'node:fs'
import t from 'tap'

interface Operation {
  operationId: string
  parameters?: { in: string; name: string }[]
  requestBody?: unknown
  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref?: string } }> }>
}

const spec = JSON.parse(
  readFileSync(new URL('../../../../openapi/hejie.openapi.json', import.meta.url), 'utf8'),
)
const operations: [string, string, Operation][] = Object.entries(
  spec.paths as Record<string, Record<string, Operation>>,
).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => [path, method, op] as [string, string, Operation]),
)

const schemaOf = (op: Operation, status: string) =>
  Object.values(op.responses[status]?.content ?? {})[0]?.schema.$ref

t.test('every operation declares the errors of the mechanisms it goes through, with a schema', async (t) => {
  for (const [path, method, op] of operations) {
    const label = `${method.toUpperCase()} ${path}`
    const token = path === '/v1/oauth/token'
    // The consumer's confirmation page answers its errors as HTML pages (API.md, hardening).
    const htmlPage = path.startsWith('/c/')
    t.ok(op.responses['400'], `${label} declares 400`)
    t.ok(op.responses['405'], `${label} declares 405`)
    if (!['/healthz', '/readyz', '/metrics'].includes(path)) {
      t.ok(op.responses['429'], `${label} declares 429`)
      t.ok(op.responses['503'], `${label} declares 503`)
    }
    if (path.includes('{')) {
      t.ok(op.responses['404'], `${label} declares 404`)
      t.ok(op.responses['414'], `${label} declares 414`)
    }
    if (method !== 'get' && !htmlPage) {
      t.equal(
        schemaOf(op, '413'),
        token ? '#/components/schemas/OAuthError' : '#/components/schemas/Problem',
        `${label} 413`,
      )
      t.equal(
        schemaOf(op, '415'),
        token ? '#/components/schemas/OAuthError' : '#/components/schemas/Problem',
        `${label} 415`,
      )
    }
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) < 400) continue
      if (htmlPage && response.content?.['text/html']) {
        t.ok(response.description.length > 0, `${label} ${status} is an HTML page`)
        continue
      }
      // The token endpoint keeps RFC 6749's shape, 503 `temporarily_unavailable` included;
      // only the rate limiter's 429 is a problem there.
      const expected =
        token && ['400', '401', '413', '415', '503'].includes(status) ? 'OAuthError' : 'Problem'
      t.equal(
        schemaOf(op, status),
        `#/components/schemas/${expected}`,
        `${label} ${status} has the ${expected} schema`,
      )
      t.ok(response.description.length > 0)
    }
  }
})

t.test(
  'every operation that takes Idempotency-Key declares 409 idempotency_key_in_use and 422 idempotency_key_reused',
  async (t) => {
    const idempotent = operations.filter(([, , op]) =>
      op.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key'),
    )
    t.ok(idempotent.length > 20)
    for (const [path, method, op] of idempotent) {
      t.match(op.responses['409']?.description, /idempotency_key_in_use/, `${method} ${path}`)
      t.match(op.responses['422']?.description, /idempotency_key_reused/, `${method} ${path}`)
    }
  },
)
