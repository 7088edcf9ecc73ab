import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute, settlementOf2700 } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

async function settledDispute(t: { teardown(fn: () => unknown): void }) {
  const context = await testApp(t)
  const regulatorToken = await accessToken(context.app, await regulatorCredentials(context.database))
  const company = await enrolEnterprise(context.app, regulatorToken, '某某视频')
  const dispute = await intakeDispute(context.app, regulatorToken, company.id)
  const enterprise = as(context.app, company.token)
  await enterprise({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept` })
  await enterprise({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/settlements`,
    payload: settlementOf2700,
  })
  return {
    ...context,
    regulatorToken,
    company,
    enterprise,
    regulator: as(context.app, regulatorToken),
    id: dispute.id as string,
  }
}

const refund = (amount: number, reference: string) => ({
  amount: { amount, currency: 'CNY' },
  method: 'wechat_pay',
  reference,
  refunded_at: new Date().toISOString(),
})

async function snapshot(database: Awaited<ReturnType<typeof settledDispute>>['database'], id: string) {
  const dispute = await database.db
    .selectFrom('disputes')
    .select(['version', 'refunded_amount'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  const refunds = await database.db.selectFrom('refunds').select('id').where('dispute_id', '=', id).execute()
  const events = await database.db.selectFrom('events').select('sequence').execute()
  const audit = await database.db.selectFrom('audit_entries').select('leaf_index').execute()
  return {
    version: dispute.version,
    refunded: Number(dispute.refunded_amount),
    refunds: refunds.length,
    events: events.length,
    audit: audit.length,
  }
}

t.test(`a refund above the settlement is refused with 422 and changes nothing (${backend})`, async (t) => {
  const { enterprise, database, id } = await settledDispute(t)
  const before = await snapshot(database, id)
  const res = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/refunds`,
    payload: refund(2701, 'RF-1'),
  })
  t.equal(res.statusCode, 422)
  t.match(res.json(), {
    code: 'refund_exceeds_settlement',
    settled: { amount: 2700, currency: 'CNY' },
    refunded: { amount: 0, currency: 'CNY' },
  })
  t.same(await snapshot(database, id), before, 'dispute version, refunds, events and audit log are unchanged')

  t.equal(
    (await enterprise({ method: 'POST', url: `/v1/disputes/${id}/refunds`, payload: refund(2000, 'RF-2') }))
      .statusCode,
    201,
  )
  const second = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/refunds`,
    payload: refund(701, 'RF-3'),
  })
  t.equal(second.statusCode, 422, 'the sum of refunds counts, not each alone')
  t.equal(
    (await enterprise({ method: 'POST', url: `/v1/disputes/${id}/refunds`, payload: refund(700, 'RF-3') }))
      .statusCode,
    201,
  )
})

t.test('a refund reference is unique per enterprise', async (t) => {
  const { enterprise, id } = await settledDispute(t)
  t.equal(
    (await enterprise({ method: 'POST', url: `/v1/disputes/${id}/refunds`, payload: refund(100, 'RF-SAME') }))
      .statusCode,
    201,
  )
  const again = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/refunds`,
    payload: refund(100, 'RF-SAME'),
  })
  t.equal(again.statusCode, 409)
  t.match(again.json(), { code: 'conflict', existing_id: /^rfd_/ })
})

t.test(
  'a retried full refund is told it is already recorded, not that it exceeds the settlement',
  async (t) => {
    const { enterprise, id } = await settledDispute(t)
    const first = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/refunds`,
      payload: refund(2700, 'RF-FULL'),
    })
    t.equal(first.statusCode, 201)
    const retried = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/refunds`,
      payload: refund(2700, 'RF-FULL'),
    })
    t.equal(retried.statusCode, 409)
    t.match(retried.json(), { code: 'conflict', existing_id: first.json().id })
  },
)

t.test('money must be integer fen in CNY', async (t) => {
  const { enterprise, id } = await settledDispute(t)
  for (const amount of [27.5, '2700', -1, 0]) {
    const res = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/refunds`,
      payload: { ...refund(1, 'RF-X'), amount: { amount, currency: 'CNY' } },
    })
    t.equal(res.statusCode, 400, `amount ${JSON.stringify(amount)}`)
  }
  const usd = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/refunds`,
    payload: { ...refund(1, 'RF-X'), amount: { amount: 1, currency: 'USD' } },
  })
  t.equal(usd.statusCode, 400, 'another currency')
})

t.test('20 concurrent identical requests with one Idempotency-Key create exactly one refund', async (t) => {
  const { enterprise, database, id } = await settledDispute(t)
  const request = {
    method: 'POST' as const,
    url: `/v1/disputes/${id}/refunds`,
    headers: { 'idempotency-key': 'refund-RF-77' },
    payload: refund(2700, 'RF-77'),
  }
  const responses = await Promise.all(Array.from({ length: 20 }, () => enterprise(request)))
  t.same(
    responses.map((res) => res.statusCode),
    Array(20).fill(201),
  )
  const bodies = new Set(responses.map((res) => res.body))
  t.equal(bodies.size, 1, 'all 20 got the same body')
  t.equal(responses.filter((res) => res.headers['idempotent-replayed'] === 'true').length, 19)
  const refunds = await database.db.selectFrom('refunds').selectAll().where('dispute_id', '=', id).execute()
  t.equal(refunds.length, 1)
  const reused = await enterprise({ ...request, payload: refund(1, 'RF-78') })
  t.equal(reused.statusCode, 422)
  t.equal(reused.json().code, 'idempotency_key_reused')
})

t.test('an action that does not fit the status is 409 naming the status and what is allowed', async (t) => {
  const { enterprise, id } = await settledDispute(t)
  const res = await enterprise({ method: 'POST', url: `/v1/disputes/${id}/accept` })
  t.equal(res.statusCode, 409)
  t.match(res.json(), {
    code: 'invalid_transition',
    current_status: 'settled',
    allowed_actions: ['contacts', 'refunds', 'outcome'],
  })
})

t.test('If-Match with a stale version is 412 and changes nothing', async (t) => {
  const { enterprise, database, id } = await settledDispute(t)
  const before = await snapshot(database, id)
  const res = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/outcome`,
    headers: { 'if-match': '"2"' },
    payload: { result: 'fulfilled', summary: 'done' },
  })
  t.equal(res.statusCode, 412)
  t.match(res.json(), { code: 'precondition_failed', current_version: before.version })
  t.same(await snapshot(database, id), before)
})

t.test(
  'an outcome of not_settled escalates to administrative mediation, which the regulator closes',
  async (t) => {
    const { enterprise, regulator, id } = await settledDispute(t)
    const escalated = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/outcome`,
      payload: {
        result: 'not_settled',
        reason: 'merchant_refused',
        summary: 'The consumer wants the full fee back.',
      },
    })
    t.match(escalated.json(), { status: 'escalated', allowed_actions: [] })
    const closed = await regulator({
      method: 'POST',
      url: `/v1/disputes/${id}/close`,
      payload: { resolution: 'mediated' },
    })
    t.match(closed.json(), { status: 'closed', resolution: 'mediated' })
  },
)

t.test('a declined dispute goes back to the regulator, who routes it to another enterprise', async (t) => {
  const context = await testApp(t)
  const regulatorToken = await accessToken(context.app, await regulatorCredentials(context.database))
  const first = await enrolEnterprise(context.app, regulatorToken, '甲')
  const second = await enrolEnterprise(context.app, regulatorToken, '乙')
  const dispute = await intakeDispute(context.app, regulatorToken, first.id)
  const declined = await as(
    context.app,
    first.token,
  )({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/decline`,
    payload: { reason: 'not_responsible', note: 'The membership was sold by a reseller.' },
  })
  t.match(declined.json(), { status: 'returned' })
  const reassigned = await as(
    context.app,
    regulatorToken,
  )({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/assign`,
    payload: { enterprise_id: second.id },
  })
  t.match(reassigned.json(), { status: 'assigned', enterprise_id: second.id })
  t.equal(
    (await as(context.app, first.token)({ url: `/v1/disputes/${dispute.id}` })).statusCode,
    404,
    'the first no longer sees it',
  )
  t.equal((await as(context.app, second.token)({ url: `/v1/disputes/${dispute.id}` })).statusCode, 200)
  const events = await context.database.db
    .selectFrom('events')
    .select(['type', 'enterprise_id'])
    .where('dispute_id', '=', dispute.id)
    .orderBy('sequence')
    .execute()
  t.same(events.slice(-2), [
    { type: 'dispute.assigned', enterprise_id: second.id },
    { type: 'dispute.reassigned_away', enterprise_id: first.id },
  ])
})

t.test('intake refuses a second ticket with the same external_ref and a suspended enterprise', async (t) => {
  const context = await testApp(t)
  const regulatorToken = await accessToken(context.app, await regulatorCredentials(context.database))
  const company = await enrolEnterprise(context.app, regulatorToken, '丙')
  const first = await intakeDispute(context.app, regulatorToken, company.id, { external_ref: '12315-A-1' })
  const regulator = as(context.app, regulatorToken)
  const { complaint } = await import('../helpers/disputes.js')
  const again = await regulator({
    method: 'POST',
    url: '/v1/disputes',
    payload: complaint(company.id, { external_ref: '12315-A-1' }),
  })
  t.equal(again.statusCode, 409)
  t.match(again.json(), { code: 'conflict', existing_id: first.id })
  await regulator({
    method: 'PATCH',
    url: `/v1/enterprises/${company.id}`,
    payload: { odr_status: 'suspended' },
  })
  const suspended = await regulator({ method: 'POST', url: '/v1/disputes', payload: complaint(company.id) })
  t.equal(suspended.statusCode, 422)
  t.equal(suspended.json().code, 'enterprise_not_active')
})

t.test('enterprise A cannot see or act on enterprise B’s disputes: 404 on every dispute route', async (t) => {
  const context = await testApp(t)
  const regulatorToken = await accessToken(context.app, await regulatorCredentials(context.database))
  const a = await enrolEnterprise(context.app, regulatorToken, 'A')
  const b = await enrolEnterprise(context.app, regulatorToken, 'B')
  const theirs = await intakeDispute(context.app, regulatorToken, b.id)
  const asA = as(context.app, a.token)
  const routes = [
    { method: 'GET' as const, url: `/v1/disputes/${theirs.id}` },
    { method: 'GET' as const, url: `/v1/disputes/${theirs.id}/timeline` },
    ...['accept', 'decline', 'contacts', 'settlements', 'refunds', 'outcome'].map((action) => ({
      method: 'POST' as const,
      url: `/v1/disputes/${theirs.id}/${action}`,
      payload: {
        accept: {},
        decline: { reason: 'other' },
        contacts: { channel: 'phone', contacted_at: new Date().toISOString(), reached: true, summary: 'x' },
        settlements: settlementOf2700,
        refunds: refund(1, 'RF-A'),
        outcome: { result: 'not_settled', summary: 'x' },
      }[action],
    })),
  ]
  for (const route of routes) {
    const res = await asA(route)
    t.equal(res.statusCode, 404, `${route.method} ${route.url.replace(theirs.id, '{id}')}`)
  }
  const list = await asA({ url: '/v1/disputes' })
  t.same(list.json().data, [], 'not in its list either')
  const regulatorOnly = ['assign', 'escalate', 'withdraw', 'close', 'feedback', 'erase-personal-data']
  for (const action of regulatorOnly) {
    const res = await as(
      context.app,
      b.token,
    )({ method: 'POST', url: `/v1/disputes/${theirs.id}/${action}`, payload: {} })
    t.equal(res.statusCode, 403, `an enterprise calling ${action} is refused as a function`)
  }
  const intake = await as(context.app, b.token)({ method: 'POST', url: '/v1/disputes', payload: {} })
  t.equal(intake.statusCode, 403, 'an enterprise cannot intake')
})
