import { request as httpRequest } from 'node:http'
import t, { type Test } from 'tap'
import { testApp } from '../helpers/app.js'
import { accessToken, as, regulatorCredentials } from '../helpers/identity.js'

interface Answer {
  statusCode: number
  headers: Record<string, unknown>
  body: string
}

function assertProblem(t: Test, res: Answer, status: number, code: string) {
  t.equal(res.statusCode, status, `${code}: status`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, `${code}: media type`)
  t.match(String(res.headers['x-request-id']), /^req_/, `${code}: x-request-id`)
  const body = JSON.parse(res.body)
  t.match(body, { status, code, type: `urn:hejie:problem:${code}` })
  t.equal(body.request_id, res.headers['x-request-id'], `${code}: the body names the request`)
}

/** A raw HTTP request, so that the URL reaches the server exactly as written. */
function rawGet(address: string, path: string, method = 'GET'): Promise<Answer> {
  const { hostname, port } = new URL(address)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        body += chunk
      })
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('an over-long path parameter is a 414 uri_too_long problem that does not echo the URL', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'GET', url: `/v1/disputes/dsp_${'a'.repeat(200)}` })
  assertProblem(t, res, 414, 'uri_too_long')
  t.notMatch(res.body, 'aaaaaaaaaa')
})

t.test('a malformed percent-escape in the path is a 400 malformed_url problem', async (t) => {
  const { app } = await testApp(t)
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/disputes/%E0%A4%A' }), 400, 'malformed_url')
  // an escape of a lone surrogate does not decode to UTF-8 text either
  assertProblem(
    t,
    await app.inject({ method: 'GET', url: '/v1/disputes/dsp_%ED%A0%80' }),
    400,
    'malformed_url',
  )
})

t.test('framework errors are problems over real HTTP too', async (t) => {
  const { app } = await testApp(t)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  assertProblem(t, await rawGet(address, '/v1/disputes/%zz'), 400, 'malformed_url')
  assertProblem(t, await rawGet(address, `/v1/enterprises/${'e'.repeat(150)}`), 414, 'uri_too_long')
  const wrongMethod = await rawGet(address, '/v1/disputes/dsp_1', 'PUT')
  assertProblem(t, wrongMethod, 405, 'method_not_allowed')
  t.equal(wrongMethod.headers.allow, 'GET, HEAD')
})

t.test(
  'a known path asked with a method it does not take is a 405 naming the methods in Allow',
  async (t) => {
    const { app, database } = await testApp(t)
    const regulator = as(app, await accessToken(app, await regulatorCredentials(database)))
    const cases: [string, string, string][] = [
      ['PUT', '/v1/disputes/dsp_01', 'GET, HEAD'],
      ['DELETE', '/v1/disputes', 'GET, HEAD, POST'],
      ['GET', '/v1/disputes/dsp_01/accept', 'POST'],
      ['PATCH', '/v1/clients/cli_01', 'DELETE'],
      ['POST', '/v1/webhook-endpoints/whe_01/', 'DELETE, GET, HEAD, PATCH'],
      ['GET', '/v1/oauth/token', 'POST'],
    ]
    for (const [method, url, allow] of cases) {
      const res = await regulator({ method: method as 'GET', url })
      assertProblem(t, res, 405, 'method_not_allowed')
      t.equal(res.headers.allow, allow, `${method} ${url}`)
    }
  },
)

t.test('a path no route has is still a 404, whatever the method', async (t) => {
  const { app } = await testApp(t)
  for (const method of ['GET', 'PUT'] as const) {
    const res = await app.inject({ method, url: '/v1/nothing-here' })
    assertProblem(t, res, 404, 'not_found')
    t.equal(res.headers.allow, undefined)
  }
})
