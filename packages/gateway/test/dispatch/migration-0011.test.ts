import { Migrator, sql } from 'kysely'
import t from 'tap'
import { migrationProvider } from '../../src/storage/migrations/index.js'
import { migrateToLatest } from '../../src/storage/migrator.js'
import { backend, freshDatabase } from '../helpers/database.js'

/**
 * Migration 0011 on a database that already holds disputes: they come out held by their
 * enterprise, with every other column as it was and the indexes in place; `enterprise_id`
 * and `respond_by` accept null afterwards (SQLite's table is rebuilt for that), and the
 * enterprises' names are ready for the dispatcher.
 */
t.test(
  `migrations 0010 to 0012 keep existing disputes, held by their enterprise, with their indicator columns (${backend})`,
  async (t) => {
    const database = await freshDatabase(t, { migrate: false })
    const migrator = new Migrator({
      db: database.db,
      provider: migrationProvider(database.dialect),
      migrationTableName: 'hejie_migrations',
      migrationLockTableName: 'hejie_migrations_lock',
      ...(database.schema ? { migrationTableSchema: database.schema } : {}),
    })
    const { error } = await migrator.migrateTo('0009-refund-reference-keys')
    if (error) throw error
    const at = '2026-11-28T08:00:00.000Z'
    const root = await sql<{ id: string }>`select id from jurisdictions`.execute(database.db)
    const jurisdiction = root.rows[0]?.id ?? ''
    await sql`insert into enterprises (id, name, uscc, address, contact_name, contact_phone, contact_email,
      odr_status, jurisdiction_id, created_at, updated_at)
    values ('ent_old', '北京某视频科技有限责任公司', '91110106MA00773102', null, '王', '010', null, 'active',
      ${jurisdiction}, ${at}, ${at})`.execute(database.db)
    await sql`insert into disputes (id, external_ref, channel, status, resolution, assignee_type, enterprise_id,
      jurisdiction_id, consumer_name, consumer_phone, personal_data_erased_at, problem_type, category, claim,
      purchase, received_at, assigned_at, respond_by, respond_by_provisional, accepted_at, settled_at, closed_at,
      overdue, deadline_warned_at, overdue_notified_at, settlement, refunded_amount, outcome, feedback, version,
      created_at, updated_at)
    values ('dsp_old', '12315-OLD-1', 'hotline_12315', 'in_progress', null, 'enterprise', 'ent_old',
      ${jurisdiction}, '张伟', '13812341234', null, 'contract', null, '{"description":"x","demands":["refund"]}',
      null, ${at}, ${at}, '2026-12-12T15:59:59.999Z', 0, ${at}, null, null, 0, null, null, null, 0, null, null, 2,
      ${at}, ${at})`.execute(database.db)
    await sql`insert into contacts (id, dispute_id, enterprise_id, channel, contacted_at, reached, summary, created_at)
    values ('ctc_old', 'dsp_old', 'ent_old', 'phone', ${at}, 1, 'called', ${at})`.execute(database.db)

    t.same(
      await migrateToLatest(database),
      [
        '0010-indicator-columns',
        '0011-handling-units',
        '0012-indicator-index',
        '0013-dispatch-generation',
        '0014-supervision',
        '0015-risk-signals',
        '0016-evidence-files',
        '0017-consumer-confirmation',
        '0018-unkeyed-phones',
        '0019-console-sessions',
        '0020-sandbox',
        '0021-server-append',
      ],
      'the later ones run in order',
    )
    const row = await database.db
      .selectFrom('disputes')
      .selectAll()
      .where('id', '=', 'dsp_old')
      .executeTakeFirstOrThrow()
    t.match(
      row,
      {
        assignee_type: 'enterprise',
        assignee_id: 'ent_old',
        enterprise_id: 'ent_old',
        status: 'in_progress',
        consumer_name: '张伟',
        respond_by: '2026-12-12T15:59:59.999Z',
        version: 2,
        respondent: null,
        routing: null,
        first_contact_at: at,
        escalated_at: null,
        feedback_satisfaction: null,
        handling_ms: null,
      },
      'the dispute is held by its enterprise, everything else as it was',
    )
    const contacts = await database.db
      .selectFrom('contacts')
      .select('id')
      .where('dispute_id', '=', 'dsp_old')
      .execute()
    t.equal(contacts.length, 1, 'its records still refer to it')

    await database.db
      .updateTable('disputes')
      .set({ enterprise_id: null, respond_by: null, assignee_type: 'unit', assignee_id: 'hnu_x' })
      .where('id', '=', 'dsp_old')
      .execute()
    t.pass('enterprise_id and respond_by accept null')
    const names = await database.db.selectFrom('enterprise_names').selectAll().execute()
    t.same(
      names,
      [{ name_key: '北京某视频科技有限公司', enterprise_id: 'ent_old' }],
      'the name is ready for matching',
    )
    if (backend === 'sqlite') {
      const indexes = await sql<{ name: string }>`
      select name from sqlite_master where type = 'index' and tbl_name = 'disputes' and sql is not null order by name`.execute(
        database.db,
      )
      t.same(
        indexes.rows.map((r) => r.name),
        [
          'disputes_assigned_at',
          'disputes_assignee_assigned_at',
          'disputes_assignee_id',
          // Added by 0015 (the repeat-complainant count), after the rebuild.
          'disputes_consumer_phone_key',
          'disputes_enterprise_assigned_at',
          'disputes_enterprise_id',
          'disputes_indicators',
          'disputes_jurisdiction',
          // Added by 0014 (the mediation deadline's scanner).
          'disputes_mediation_due',
          'disputes_status_respond_by',
          // Added by 0018 (the phones still to key).
          'disputes_unkeyed_phones',
        ],
        'the rebuilt table has its indexes',
      )
      const check = await sql`pragma foreign_key_check`.execute(database.db)
      t.same(check.rows, [], 'and every foreign key holds')
    }
  },
)
