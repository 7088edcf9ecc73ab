import t from 'tap'
import { sql } from 'kysely'
import { testApp } from './helpers/app.js'
import { intakeDispute } from './helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from './helpers/identity.js'

t.test('x', async (t) => {
  const { app, database } = await testApp(t, { config: { rateLimitMax: 1000000 } })
  if (process.env.NOSYNC) await sql`pragma synchronous = OFF`.execute(database.db)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const company = await enrolEnterprise(app, regulatorToken, 'x')
  const e = as(app, company.token)
  let t0 = Date.now()
  const ids = []
  for (let i = 0; i < 100; i++) ids.push((await intakeDispute(app, regulatorToken, company.id)).id)
  console.log('intake', (Date.now() - t0) / 100)
  t0 = Date.now()
  for (let i = 0; i < 200; i++) await e({ url: `/v1/disputes/${ids[i % 100]}` })
  console.log('get', (Date.now() - t0) / 200)
  t0 = Date.now()
  for (let i = 0; i < 200; i++) await e({ method: 'POST', url: `/v1/disputes/${ids[i % 100]}/refunds`, payload: { amount: { amount: 1, currency: 'CNY' }, method: 'alipay', reference: 'x', refunded_at: '2026-11-28T03:05:00.000Z' } })
  console.log('refused', (Date.now() - t0) / 200)
  t0 = Date.now()
  for (let i = 0; i < 200; i++) await e({ method: 'POST', url: `/v1/disputes/${ids[i % 100]}/contacts`, payload: { channel: 'phone', contacted_at: '2026-11-28T03:05:00.000Z', reached: true, summary: 'x' } })
  console.log('contacts', (Date.now() - t0) / 200)
  t0 = Date.now()
  for (let i = 0; i < 200; i++) await database.db.selectFrom('disputes').selectAll().where('id', '=', ids[i % 100]!).execute()
  console.log('select', (Date.now() - t0) / 200)
})
