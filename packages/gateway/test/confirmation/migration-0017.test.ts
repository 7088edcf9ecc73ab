import { Migrator, sql } from 'kysely'
import t from 'tap'
import { migrationProvider } from '../../src/storage/migrations/index.js'
import { migrateToLatest } from '../../src/storage/migrator.js'
import { testApp } from '../helpers/app.js'
import { PageVisitor } from '../helpers/confirmation.js'
import { backend, freshDatabase } from '../helpers/database.js'
import { accessToken, as, regulatorCredentials } from '../helpers/identity.js'

/**
 * Migration 0017 on a database that already holds a settled dispute: the settlement has no
 * answer, a regulator can ask the consumer about it, and the answer is counted.
 */
t.test(
  `a settlement from before 0017 can be confirmed by its consumer and is counted (${backend})`,
  async (t) => {
    const database = await freshDatabase(t, { migrate: false })
    const migrator = new Migrator({
      db: database.db,
      provider: migrationProvider(database.dialect),
      migrationTableName: 'hejie_migrations',
      migrationLockTableName: 'hejie_migrations_lock',
      ...(database.schema ? { migrationTableSchema: database.schema } : {}),
    })
    const { error } = await migrator.migrateTo('0016-evidence-files')
    if (error) throw error
    const at = new Date(Date.now() - 3_600_000).toISOString()
    const jurisdiction = (await sql<{ id: string }>`select id from jurisdictions`.execute(database.db))
      .rows[0]?.id
    await sql`insert into enterprises (id, name, uscc, address, contact_name, contact_phone, contact_email,
    odr_status, jurisdiction_id, created_at, updated_at, aliases)
  values ('ent_old', '北京某视频科技有限责任公司', '91110106MA00773102', null, '王', '010', null, 'active',
    ${jurisdiction}, ${at}, ${at}, '[]')`.execute(database.db)
    const settlement = {
      id: 'stl_old',
      object: 'settlement',
      dispute_id: 'dsp_old',
      remedy: 'refund',
      amount: { amount: 2700, currency: 'CNY' },
      terms: '退还会员费 27 元。',
      agreed_at: at,
      consumer_consent: { method: 'phone_recording', reference: 'REC-1' },
      created_at: at,
    }
    await sql`insert into disputes (id, external_ref, channel, status, resolution, assignee_type, assignee_id,
    enterprise_id, jurisdiction_id, consumer_name, consumer_phone, personal_data_erased_at, problem_type,
    category, claim, purchase, received_at, assigned_at, respond_by, respond_by_provisional, accepted_at,
    settled_at, closed_at, overdue, deadline_warned_at, overdue_notified_at, settlement, refunded_amount,
    outcome, feedback, version, created_at, updated_at)
  values ('dsp_old', '12315-OLD-17', 'hotline_12315', 'settled', null, 'enterprise', 'ent_old', 'ent_old',
    ${jurisdiction}, '张伟', '13812341234', null, 'contract', null, '{"description":"x","demands":["refund"]}',
    null, ${at}, ${at}, '2099-12-12T15:59:59.999Z', 0, ${at}, ${at}, null, 0, null, null,
    ${JSON.stringify(settlement)}, 0, null, null, 3, ${at}, ${at})`.execute(database.db)
    await sql`insert into settlements (id, dispute_id, enterprise_id, remedy, amount, terms, agreed_at,
    consent_method, consent_reference, created_at)
  values ('stl_old', 'dsp_old', 'ent_old', 'refund', 2700, '退还会员费 27 元。', ${at}, 'phone_recording', 'REC-1', ${at})`.execute(
      database.db,
    )

    t.same(await migrateToLatest(database), [
      '0017-consumer-confirmation',
      '0018-unkeyed-phones',
      '0019-console-sessions',
      '0020-sandbox',
      '0021-server-append',
    ])
    const { app } = await testApp(t, { database })
    const regulator = as(app, await accessToken(app, await regulatorCredentials(database)))
    const before = await regulator({ method: 'GET', url: '/v1/disputes/dsp_old' })
    t.equal(before.statusCode, 200, before.body)
    t.notOk(before.json().settlement.consumer_confirmation, 'the old settlement has no answer')

    const asked = await regulator({ method: 'POST', url: '/v1/disputes/dsp_old/confirmation-requests' })
    t.equal(asked.statusCode, 201, asked.body)
    const visitor = new PageVisitor(app, new URL(asked.json().url).pathname)
    await visitor.open()
    await visitor.enterCode(asked.json().code)
    t.equal((await visitor.decide('rejected', 'dissatisfied')).statusCode, 200)

    const after = await regulator({ method: 'GET', url: '/v1/disputes/dsp_old' })
    t.match(after.json(), {
      status: 'settled',
      version: 4,
      settlement: { consumer_confirmation: { decision: 'rejected' } },
    })
    const stats = (await regulator({ method: 'GET', url: '/v1/stats' })).json().data[0]
    t.equal(stats.consumer_confirmed_rate, 0)
    t.equal(stats.consumer_satisfaction_rate, 0)
    if (backend === 'sqlite') {
      const columns = await sql<{
        name: string
      }>`select name from pragma_index_info('disputes_indicators')`.execute(database.db)
      const names = columns.rows.map((row) => row.name)
      t.ok(
        names.includes('consumer_decision') && names.includes('consumer_rating'),
        'the stats index holds the new columns',
      )
    }
  },
)
