import t from 'tap'
import { ifMatchAllows, parseIfMatch } from '../../src/domain/if-match.js'
import { testApp } from '../helpers/app.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

t.test('If-Match compares strongly: only a strong tag naming the version matches', async (t) => {
  const allows = (header: string, version: number) => {
    const parsed = parseIfMatch(header)
    return parsed !== undefined && ifMatchAllows(parsed, version)
  }
  t.ok(allows('"6"', 6))
  t.notOk(allows('W/"6"', 6), 'a weak tag never matches')
  t.notOk(allows('"v6"', 6))
  t.notOk(allows('"5"', 6))
  t.ok(allows('"1", "6"', 6), 'a list matches when one of its tags does')
  t.ok(allows('"1",W/"2",  "6" ,', 6), 'spaces and empty elements are allowed in a list')
  t.notOk(allows('W/"6", "7"', 6))
  t.ok(allows('*', 6), '* matches any existing version')
  for (const malformed of ['6', 'W/6', '"6', '*, "6"', '', ' , ', '"6" "7"']) {
    t.equal(parseIfMatch(malformed), undefined, `${JSON.stringify(malformed)} is not an If-Match value`)
  }
})

t.test('an action honours a list of tags and refuses a weak tag with 412', async (t) => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const enterprise = await enrolEnterprise(app, regulatorToken, 'Acme Video')
  const company = as(app, enterprise.token)
  const dispute = await intakeDispute(app, regulatorToken, enterprise.id)
  const accept = (ifMatch: string) =>
    company({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/accept`,
      headers: { 'if-match': ifMatch },
      payload: {},
    })

  const weak = await accept(`W/"${dispute.version}"`)
  t.equal(weak.statusCode, 412)
  t.match(weak.json(), { code: 'precondition_failed', current_version: dispute.version })
  const malformed = await accept(String(dispute.version))
  t.equal(malformed.statusCode, 412)

  const listed = await accept(`"${dispute.version + 5}", "${dispute.version}"`)
  t.equal(listed.statusCode, 200, listed.body)
  t.equal(listed.json().version, dispute.version + 1)
  t.equal(listed.headers.etag, `"${dispute.version + 1}"`)
})

t.test('If-Match: * lets an action on an existing dispute go ahead', async (t) => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const enterprise = await enrolEnterprise(app, regulatorToken, 'Acme Video')
  const dispute = await intakeDispute(app, regulatorToken, enterprise.id)
  const res = await as(
    app,
    enterprise.token,
  )({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/accept`,
    headers: { 'if-match': '*' },
    payload: {},
  })
  t.equal(res.statusCode, 200, res.body)
})
