import { sql } from 'kysely'
import t from 'tap'
import { referenceKey } from '../../src/domain/references.js'
import { migrateToLatest } from '../../src/storage/migrator.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute, settlementOf2700 } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

async function acceptedDispute(t: { teardown(fn: () => unknown): void }) {
  const context = await testApp(t)
  const regulatorToken = await accessToken(context.app, await regulatorCredentials(context.database))
  const company = await enrolEnterprise(context.app, regulatorToken, '某某视频')
  const other = await enrolEnterprise(context.app, regulatorToken, '某某电商')
  const enterprise = as(context.app, company.token)
  const assigned = async () => (await intakeDispute(context.app, regulatorToken, company.id)).id as string
  const open = async () => {
    const dispute = { id: await assigned() }
    await enterprise({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept` })
    return dispute.id as string
  }
  return { ...context, regulatorToken, company, other, enterprise, assigned, open }
}

const refund = (reference: string, amount = 100) => ({
  amount: { amount, currency: 'CNY' },
  method: 'wechat_pay',
  reference,
  refunded_at: new Date().toISOString(),
})

t.test('the reference key folds spaces, case, full-width forms and invisible characters', async (t) => {
  const key = referenceKey('TXN2026-001')
  for (const same of [
    'TXN2026-001',
    'txn2026-001',
    'TXN 2026-001',
    ' TXN\t2026 - 001 ',
    'ＴＸＮ２０２６－００１',
    'TXN\u200b2026-001',
    '\ufeffTXN2026\u200d-001\u2060',
    'TXN\u00a02026-001',
    'TXN\u30002026-001',
  ]) {
    t.equal(referenceKey(same), key, JSON.stringify(same))
  }
  t.not(referenceKey('TXN2026-002'), key, 'another reference stays another')
  t.not(referenceKey('TXN2026_001'), key, 'punctuation counts')
})

t.test(
  `refund references that differ only by spaces, case, width or invisible characters are one reference (${backend})`,
  async (t) => {
    const { enterprise, open, database } = await acceptedDispute(t)
    const id = await open()
    t.equal(
      (await enterprise({ method: 'POST', url: `/v1/disputes/${id}/settlements`, payload: settlementOf2700 }))
        .statusCode,
      201,
    )
    const first = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/refunds`,
      payload: refund('WX 4200-0019'),
    })
    t.equal(first.statusCode, 201)
    t.equal(first.json().reference, 'WX 4200-0019', 'the reference is kept as it was sent')
    for (const variant of [
      'wx4200-0019',
      'WX4200-0019',
      'ＷＸ４２００－００１９',
      'WX\u200b4200-0019',
      'WX 4200 - 0019\u200e',
    ]) {
      const again = await enterprise({
        method: 'POST',
        url: `/v1/disputes/${id}/refunds`,
        payload: refund(variant),
      })
      t.equal(again.statusCode, 409, JSON.stringify(variant))
      t.equal(again.json().code, 'conflict')
      t.equal(again.json().existing_id, first.json().id, 'it names the refund already recorded')
    }
    const other = await open()
    t.equal(
      (
        await enterprise({
          method: 'POST',
          url: `/v1/disputes/${other}/settlements`,
          payload: settlementOf2700,
        })
      ).statusCode,
      201,
    )
    const onAnother = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${other}/refunds`,
      payload: refund('wx 4200-0019'),
    })
    t.equal(onAnother.statusCode, 409, 'unique per enterprise, across its disputes')
    const rows = await database.db.selectFrom('refunds').select(['reference', 'reference_key']).execute()
    t.same(
      rows,
      [{ reference: 'WX 4200-0019', reference_key: 'WX4200-0019' }],
      'one refund, its key beside it',
    )
  },
)

t.test(`a reference with no visible characters is refused (${backend})`, async (t) => {
  const { enterprise, open } = await acceptedDispute(t)
  const id = await open()
  await enterprise({ method: 'POST', url: `/v1/disputes/${id}/settlements`, payload: settlementOf2700 })
  const res = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${id}/refunds`,
    payload: refund('\u200b \u200d'),
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'validation_failed')
})

const minutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString()

t.test(
  `reported times in the future beyond 5 minutes are refused with time_in_future (${backend})`,
  async (t) => {
    const { enterprise, open, database } = await acceptedDispute(t)
    const id = await open()
    const contact = (contacted_at: string) =>
      enterprise({
        method: 'POST',
        url: `/v1/disputes/${id}/contacts`,
        payload: { channel: 'phone', contacted_at, reached: true, summary: 'Called.' },
      })
    const ahead = await contact(minutes(10))
    t.equal(ahead.statusCode, 422)
    t.match(ahead.headers['content-type'], /^application\/problem\+json/)
    t.equal(ahead.json().code, 'time_in_future')
    t.equal(ahead.json().field, 'contacted_at')
    const tomorrow = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/settlements`,
      payload: { ...settlementOf2700, agreed_at: minutes(24 * 60) },
    })
    t.equal(tomorrow.json().code, 'time_in_future')
    t.equal(tomorrow.json().field, 'agreed_at')
    t.equal((await contact(minutes(3))).statusCode, 201, 'a clock 3 minutes ahead is tolerated')
    t.equal(
      (await database.db.selectFrom('contacts').selectAll().execute()).length,
      1,
      'the refused ones changed nothing',
    )
    t.equal((await database.db.selectFrom('settlements').selectAll().execute()).length, 0)
    await enterprise({ method: 'POST', url: `/v1/disputes/${id}/settlements`, payload: settlementOf2700 })
    const paidLater = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/refunds`,
      payload: { ...refund('RF-1'), refunded_at: minutes(60) },
    })
    t.equal(paidLater.json().code, 'time_in_future')
    t.equal(paidLater.json().field, 'refunded_at')
  },
)

t.test(
  `reported times before the assignment to the current enterprise are refused with time_before_assignment (${backend})`,
  async (t) => {
    const { enterprise, assigned, other, regulatorToken, app } = await acceptedDispute(t)
    const id = await assigned()
    const before = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/contacts`,
      payload: { channel: 'phone', contacted_at: '2020-01-01T00:00:00Z', reached: true, summary: 'Called.' },
    })
    t.equal(before.statusCode, 422)
    t.equal(before.json().code, 'time_before_assignment')
    t.equal(before.json().field, 'contacted_at')
    t.type(before.json().assigned_at, 'string')

    // Reassigned: the new enterprise's records start at its own assignment, not the first one.
    const declinedAt = new Date().toISOString()
    await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/decline`,
      payload: { reason: 'not_responsible' },
    })
    await as(
      app,
      regulatorToken,
    )({ method: 'POST', url: `/v1/disputes/${id}/assign`, payload: { enterprise_id: other.id } })
    const byOther = as(app, other.token)
    await byOther({ method: 'POST', url: `/v1/disputes/${id}/accept` })
    const fromTheFirstAssignment = await byOther({
      method: 'POST',
      url: `/v1/disputes/${id}/settlements`,
      payload: { ...settlementOf2700, agreed_at: declinedAt },
    })
    t.equal(fromTheFirstAssignment.statusCode, 422)
    t.equal(fromTheFirstAssignment.json().code, 'time_before_assignment')
    t.equal(fromTheFirstAssignment.json().field, 'agreed_at')
    const now = await byOther({
      method: 'POST',
      url: `/v1/disputes/${id}/settlements`,
      payload: settlementOf2700,
    })
    t.equal(now.statusCode, 201)
  },
)

t.test(
  `migration 0009 gives refunds recorded before it their keys, and keeps earlier look-alikes apart (${backend})`,
  async (t) => {
    const { enterprise, open, database } = await acceptedDispute(t)
    const id = await open()
    await enterprise({ method: 'POST', url: `/v1/disputes/${id}/settlements`, payload: settlementOf2700 })
    for (const reference of ['WX-1', 'WX-2']) {
      const res = await enterprise({
        method: 'POST',
        url: `/v1/disputes/${id}/refunds`,
        payload: refund(reference),
      })
      t.equal(res.statusCode, 201)
    }
    // The database as it was before 0009: no keys, and two references that 0009 finds equal.
    await database.db.schema.dropIndex('refunds_reference_key_per_enterprise').execute()
    await database.db.schema.alterTable('refunds').dropColumn('reference_key').execute()
    await database.db
      .updateTable('refunds')
      .set({ reference: 'wx 1' })
      .where('reference', '=', 'WX-2')
      .execute()
    await database.db
      .updateTable('refunds')
      .set({ reference: 'WX1' })
      .where('reference', '=', 'WX-1')
      .execute()
    const migrations = database.schema ? `${database.schema}.hejie_migrations` : 'hejie_migrations'
    await sql`delete from ${sql.raw(migrations)} where name = '0009-refund-reference-keys'`.execute(
      database.db,
    )

    t.same(await migrateToLatest(database), ['0009-refund-reference-keys'])
    const rows = await database.db
      .selectFrom('refunds')
      .select(['id', 'reference', 'reference_key'])
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    t.equal(rows[0]?.reference_key, 'WX1', 'the earliest keeps the key')
    t.equal(rows[1]?.reference_key, `WX1 ${rows[1]?.id}`, 'the later look-alike is kept apart by its id')
    const again = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${id}/refunds`,
      payload: refund('wx1'),
    })
    t.equal(again.statusCode, 409, 'a new refund with the reference is refused')
    t.equal(again.json().existing_id, rows[0]?.id)
  },
)
