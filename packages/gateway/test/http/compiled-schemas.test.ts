import t from 'tap'
import { serializerFactory } from '../../src/http/serialization.js'
import { validatorFactory } from '../../src/http/validation.js'

/*
 * Every app a process builds asks for its validators and serializers again, with its own
 * copies of the schemas: equal schemas get the function built the first time, and a schema
 * that differs in anything gets one of its own.
 */

const shared = () => ({
  Money: { $id: 'Money', type: 'object', properties: { amount: { type: 'integer' } } },
})
const body = () => ({ type: 'object', properties: { amount: { $ref: 'Money' } }, required: ['amount'] })

t.test('an equal schema in a second app gets the validator built for the first', async (t) => {
  const first = validatorFactory(
    shared(),
    {},
  )({ schema: body(), httpPart: 'body', method: 'POST', url: '/a' })
  const second = validatorFactory(
    shared(),
    {},
  )({ schema: body(), httpPart: 'body', method: 'POST', url: '/b' })
  t.equal(second, first)
  t.equal(first({ amount: { amount: 2700 } }), true)
  t.equal(first({ amount: { amount: '2700' } }), false, 'a body is still not coerced')
})

t.test('the same schema in a query string is compiled apart, with coercion', async (t) => {
  const schema = { type: 'object', properties: { limit: { type: 'integer' } } }
  const inBody = validatorFactory(shared(), {})({ schema, httpPart: 'body', method: 'POST', url: '/a' })
  const inQuery = validatorFactory(
    shared(),
    {},
  )({ schema, httpPart: 'querystring', method: 'GET', url: '/a' })
  t.not(inQuery, inBody)
  t.equal(inBody({ limit: '20' }), false)
  t.equal(inQuery({ limit: '20' }), true)
})

t.test('a schema that differs in one keyword gets a validator of its own', async (t) => {
  const strict = { ...body(), additionalProperties: false }
  const loose = validatorFactory(
    shared(),
    {},
  )({ schema: body(), httpPart: 'body', method: 'POST', url: '/a' })
  const closed = validatorFactory(
    shared(),
    {},
  )({ schema: strict, httpPart: 'body', method: 'POST', url: '/a' })
  t.not(closed, loose)
  t.equal(loose({ amount: { amount: 1 }, extra: 1 }), true)
  t.equal(closed({ amount: { amount: 1 }, extra: 1 }), false)
})

t.test('different shared schemas build different validators for the same route schema', async (t) => {
  const asText = { Money: { $id: 'Money', type: 'object', properties: { amount: { type: 'string' } } } }
  const integers = validatorFactory(
    shared(),
    {},
  )({ schema: body(), httpPart: 'body', method: 'POST', url: '/a' })
  const texts = validatorFactory(asText, {})({ schema: body(), httpPart: 'body', method: 'POST', url: '/a' })
  t.equal(integers({ amount: { amount: 1 } }), true)
  t.equal(texts({ amount: { amount: 1 } }), false)
  t.equal(texts({ amount: { amount: '1' } }), true)
})

t.test('an equal response schema in a second app gets the serializer built for the first', async (t) => {
  const schema = { type: 'object', properties: { amount: { $ref: 'Money' } } }
  const route = (url: string) => ({ schema: structuredClone(schema), method: 'GET', url, httpStatus: '200' })
  const first = serializerFactory(shared(), {})(route('/a'))
  const second = serializerFactory(shared(), {})(route('/b'))
  t.equal(second, first)
  t.equal(
    first({ amount: { amount: 2700, secret: 'x' } }),
    '{"amount":{"amount":2700}}',
    'undeclared fields are left out',
  )
  const other = serializerFactory(
    shared(),
    {},
  )({ ...route('/c'), schema: { type: 'object', properties: {} } })
  t.not(other, first)
})
