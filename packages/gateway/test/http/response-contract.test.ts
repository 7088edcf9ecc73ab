import t from 'tap'
import { ContractViolation, contractCheckedBody, contractViolation } from '../helpers/response-contract.js'

const problem = (status: number, code: string) =>
  JSON.stringify({
    type: `urn:hejie:problem:${code}`,
    title: 'x',
    status,
    detail: 'x.',
    code,
    request_id: 'req_1',
  })

t.test('the contract check accepts what the spec declares and names what it does not', async (t) => {
  const json = 'application/json; charset=utf-8'
  t.equal(
    contractViolation({
      method: 'GET',
      url: '/healthz',
      status: 200,
      contentType: json,
      body: '{"status":"ok"}',
    }),
    undefined,
  )
  t.match(
    contractViolation({
      method: 'GET',
      url: '/healthz',
      status: 200,
      contentType: json,
      body: '{"status":"fine"}',
    }),
    /does not match its schema/,
  )
  t.match(
    contractViolation({
      method: 'GET',
      url: '/v1/disputes/dsp_1',
      status: 418,
      contentType: json,
      body: '{}',
    }),
    /a status the contract does not declare/,
  )
  t.match(
    contractViolation({
      method: 'GET',
      url: '/v1/disputes/dsp_1',
      status: 404,
      contentType: json,
      body: problem(404, 'not_found'),
    }),
    /the contract says application\/problem\+json/,
  )
  t.equal(
    contractViolation({
      method: 'GET',
      url: '/v1/disputes/dsp_1?x=1',
      status: 404,
      contentType: 'application/problem+json; charset=utf-8',
      body: problem(404, 'not_found'),
    }),
    undefined,
  )
  t.match(
    contractViolation({
      method: 'POST',
      url: '/v1/oauth/token',
      status: 400,
      contentType: 'application/problem+json',
      body: problem(400, 'malformed_json'),
    }),
    /the contract says application\/json/,
  )
  t.match(
    contractViolation({ method: 'GET', url: '/nowhere', status: 404, contentType: json, body: '{}' }),
    /not a problem/,
  )
})

t.test('an answer read from a gateway in another process is checked the same way', async (t) => {
  const declared = new Response(problem(404, 'not_found'), {
    status: 404,
    headers: { 'content-type': 'application/problem+json' },
  })
  t.equal(
    await contractCheckedBody('GET', 'http://127.0.0.1:3000/v1/disputes/dsp_x', declared),
    problem(404, 'not_found'),
  )
  // A dispute that lacks all but its id.
  const partial = new Response('{"id":"dsp_x"}', {
    status: 200,
    headers: { 'content-type': 'application/json' },
  })
  const refused = await contractCheckedBody('GET', 'http://127.0.0.1:3000/v1/disputes/dsp_x', partial).catch(
    (error: unknown) => error,
  )
  t.ok(refused instanceof ContractViolation, 'a body that does not match its schema is a violation')
  t.match(String(refused), /required property 'object'/)
})
