import t, { type Test } from 'tap'
import { forbiddenAddressReason } from '../../src/services/webhooks/targets.js'
import { testApp } from '../helpers/app.js'
import { accessToken, as, regulatorCredentials } from '../helpers/identity.js'

/** A detail reads as one or more sentences: it ends with a single period and doubles no word. */
function assertSentence(t: Test, detail: string, label: string) {
  t.match(detail, /[^.]\.$/, `${label}: ends with one period: ${detail}`)
  t.notMatch(detail, /\b(\w+) \1\b/, `${label}: no doubled word: ${detail}`)
}

t.test('a refused webhook address is named in a sentence', async (t) => {
  const { app, database } = await testApp(t)
  const regulator = as(app, await accessToken(app, await regulatorCredentials(database)))
  const cases: [string, string][] = [
    [
      'https://127.0.0.1/hooks',
      'Webhooks are sent only to public addresses, and 127.0.0.1 is a loopback address.',
    ],
    [
      'https://169.254.169.254/latest',
      'Webhooks are sent only to public addresses, and 169.254.169.254 is a link-local address.',
    ],
    [
      'https://[fd00::1]/hooks',
      'Webhooks are sent only to public addresses, and fd00::1 is a unique-local address.',
    ],
    [
      'https://0.0.0.0/hooks',
      'Webhooks are sent only to public addresses, and 0.0.0.0 is an unspecified address.',
    ],
  ]
  for (const [url, detail] of cases) {
    const res = await regulator({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url, event_types: ['dispute.assigned'] },
    })
    t.equal(res.statusCode, 422, url)
    t.equal(res.json().detail, detail)
  }
  t.equal(forbiddenAddressReason('100.64.0.1'), '100.64.0.1 is a carrier-grade NAT address')
})

t.test('validation details name each field in a sentence, without repeating it', async (t) => {
  const { app, database } = await testApp(t)
  const regulator = as(app, await accessToken(app, await regulatorCredentials(database)))
  const missing = await regulator({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    payload: { url: 'https://example.com/h' },
  })
  t.equal(missing.json().detail, 'body/event_types is required.')
  t.match(missing.json().errors, [{ path: 'body/event_types', message: 'is required' }])
  const uscc = await regulator({
    method: 'POST',
    url: '/v1/enterprises',
    payload: { name: 'Acme', uscc: '91440300MA5FUTRX1X', contact: { name: '王经理', phone: '01088886666' } },
  })
  t.equal(uscc.statusCode, 400)
  t.match(uscc.json().detail, /^The uscc is not a valid unified social credit code: [^.]+\.$/)
  const range = await regulator({ method: 'GET', url: '/v1/audit/entries?start=5&end=4' })
  t.equal(range.statusCode, 400)
  t.equal(range.json().detail, 'The range starts at 5, after its end 4.')
  for (const res of [missing, uscc, range]) assertSentence(t, res.json().detail, res.json().code)
})
