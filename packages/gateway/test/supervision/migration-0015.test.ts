import { Migrator, sql } from 'kysely'
import t from 'tap'
import { PhoneKeyer } from '../../src/domain/phone-key.js'
import { masterKeyOf } from '../../src/services/identity/identity.js'
import { computeRiskSignals } from '../../src/services/risk-signals/run.js'
import { riskThresholdsFrom } from '../../src/services/risk-signals/thresholds.js'
import { migrationProvider } from '../../src/storage/migrations/index.js'
import { migrateToLatest } from '../../src/storage/migrator.js'
import { testConfig } from '../helpers/app.js'
import { backend, freshDatabase } from '../helpers/database.js'

/**
 * Migration 0015 on a database that already holds disputes: they come out with no phone key
 * (a migration has no master key), and the job's next run keys those that still have a
 * phone, and not an erased one.
 */
t.test(
  `disputes from before 0015 are keyed by the risk-signals job, erased ones are not (${backend})`,
  async (t) => {
    const database = await freshDatabase(t, { migrate: false })
    const migrator = new Migrator({
      db: database.db,
      provider: migrationProvider(database.dialect),
      migrationTableName: 'hejie_migrations',
      migrationLockTableName: 'hejie_migrations_lock',
      ...(database.schema ? { migrationTableSchema: database.schema } : {}),
    })
    const { error } = await migrator.migrateTo('0013-dispatch-generation')
    if (error) throw error
    const at = '2026-11-28T08:00:00.000Z'
    const jurisdiction = (await sql<{ id: string }>`select id from jurisdictions`.execute(database.db))
      .rows[0]?.id
    await sql`insert into enterprises (id, name, uscc, address, contact_name, contact_phone, contact_email,
    odr_status, jurisdiction_id, created_at, updated_at, aliases)
  values ('ent_old', '北京某视频科技有限责任公司', '91110106MA00773102', null, '王', '010', null, 'active',
    ${jurisdiction}, ${at}, ${at}, '[]')`.execute(database.db)
    for (const [id, phone, erasedAt] of [
      ['dsp_old1', '13812341234', null],
      ['dsp_old2', null, at],
    ] as const) {
      await sql`insert into disputes (id, external_ref, channel, status, resolution, assignee_type, assignee_id,
      enterprise_id, jurisdiction_id, consumer_name, consumer_phone, personal_data_erased_at, problem_type,
      category, claim, purchase, received_at, assigned_at, respond_by, respond_by_provisional, accepted_at,
      settled_at, closed_at, overdue, deadline_warned_at, overdue_notified_at, settlement, refunded_amount,
      outcome, feedback, version, created_at, updated_at)
    values (${id}, ${`12315-${id}`}, 'hotline_12315', 'assigned', null, 'enterprise', 'ent_old', 'ent_old',
      ${jurisdiction}, ${phone === null ? null : '张伟'}, ${phone}, ${erasedAt}, 'contract', null,
      '{"description":"x","demands":["refund"]}', null, ${at}, ${at}, '2026-12-12T15:59:59.999Z', 0, null,
      null, null, 0, null, null, null, 0, null, null, 1, ${at}, ${at})`.execute(database.db)
    }

    t.same(await migrateToLatest(database), [
      '0014-supervision',
      '0015-risk-signals',
      '0016-evidence-files',
      '0017-consumer-confirmation',
      '0018-unkeyed-phones',
      '0019-console-sessions',
      '0020-sandbox',
      '0021-server-append',
    ])
    const keys = async () =>
      Object.fromEntries(
        (await database.db.selectFrom('disputes').select(['id', 'consumer_phone_key']).execute()).map(
          (row) => [row.id, row.consumer_phone_key],
        ),
      )
    t.same(await keys(), { dsp_old1: null, dsp_old2: null }, 'the migration keys nothing')

    const config = testConfig()
    const keyer = PhoneKeyer.fromMasterKey(masterKeyOf(config))
    const run = await computeRiskSignals(database, riskThresholdsFrom(config), keyer, new Date(at))
    t.equal(run.keyed, 1)
    t.same(
      await keys(),
      { dsp_old1: keyer.keyOf('13812341234'), dsp_old2: null },
      'the erased one stays unkeyed',
    )
    t.same(
      await database.db.selectFrom('risk_signals').selectAll().execute(),
      [],
      'one dispute raises nothing',
    )
  },
)
