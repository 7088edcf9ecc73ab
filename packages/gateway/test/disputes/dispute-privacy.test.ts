import { sql } from 'kysely'
import t from 'tap'
import { memoryLogger, testApp } from '../helpers/app.js'
import { backend, freshDatabase, type TestDatabase } from '../helpers/database.js'
import { complaint, intakeDispute, settlementOf2700 } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

/*
 * The consumer's name and phone (PIPL personal information) through a dispute's life: who
 * sees them when, and the places they must never reach: events, the audit log, the logs.
 */

const consumer = { name: '张伟', phone: '13812341234' }
const masked = { name: '张*', phone: '138****1234' }
const erased = { name: null, phone: null }
/** A second consumer, on the dispute that goes to mediation instead. */
const otherConsumer = { name: '欧阳娜娜', phone: '13987654321' }

/** The ways a value can be written down in JSON or logs: as is, and with \u escapes. */
function spellings(value: string): string[] {
  const escaped = Array.from(value)
    .map((character) =>
      character.charCodeAt(0) > 0x7e
        ? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
        : character,
    )
    .join('')
  return [...new Set([value, escaped, escaped.toUpperCase().replaceAll('\\U', '\\u')])]
}
const personalData = [
  ...spellings(consumer.name),
  consumer.phone,
  ...spellings(otherConsumer.name),
  otherConsumer.phone,
]

interface Teardown {
  teardown(fn: () => unknown): void
}

/** A gateway logging everything (level trace) into memory. */
async function loggedApp(t: Teardown) {
  const { logger, lines } = memoryLogger('trace')
  const database = await freshDatabase(t)
  const { app } = await testApp(t, {
    config: { deadlineScanIntervalMs: 3_600_000 },
    database,
    logger,
  })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const owner = await enrolEnterprise(app, regulatorToken, '北京爱看视频科技有限公司')
  const stranger = await enrolEnterprise(app, regulatorToken, '上海某某电商有限公司')
  return {
    app,
    database,
    lines,
    regulatorToken,
    owner,
    stranger,
    regulator: as(app, regulatorToken),
    enterprise: as(app, owner.token),
    otherEnterprise: as(app, stranger.token),
  }
}

/** Every text in every table (binary columns read as UTF-8), keyed by table. */
async function everyStoredText(database: TestDatabase): Promise<Record<string, string>> {
  const tables =
    database.dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(database.db)
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%'`.execute(database.db)
  const texts: Record<string, string> = {}
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(database.db)
    texts[name] = rows.rows
      .flatMap((row) =>
        Object.values(row).map((value) =>
          value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : String(value),
        ),
      )
      .join('\n')
  }
  return texts
}

function leaks(text: string, values = personalData): string[] {
  return values.filter((value) => text.includes(value))
}

t.test(`the consumer's name and phone reach only those who may see them (${backend})`, async (t) => {
  const { app, database, lines, regulatorToken, owner, regulator, enterprise, otherEnterprise } =
    await loggedApp(t)

  // Dispute A is settled directly and closed; dispute B goes to administrative mediation.
  const a = await intakeDispute(app, regulatorToken, owner.id, { consumer })
  const b = await intakeDispute(app, regulatorToken, owner.id, { consumer: otherConsumer })
  t.same(a.consumer, consumer, 'the regulator registering the complaint sees it in full')

  const post = (who: typeof regulator, id: string, action: string, payload: object = {}) =>
    who({ method: 'POST', url: `/v1/disputes/${id}/${action}`, payload })

  /** What each party is shown of dispute A now. */
  async function views(id: string, person: object, expectedForOwner: object, stage: string) {
    const own = await enterprise({ url: `/v1/disputes/${id}` })
    t.same(own.json().consumer, expectedForOwner, `${stage}: the assigned enterprise on GET`)
    const ownList = (await enterprise({ url: `/v1/disputes?external_ref=${own.json().external_ref}` })).json()
    t.same(ownList.data[0]?.consumer, expectedForOwner, `${stage}: the assigned enterprise in its list`)
    t.same(
      (await regulator({ url: `/v1/disputes/${id}` })).json().consumer,
      person,
      `${stage}: the regulator`,
    )
    const foreign = await otherEnterprise({ url: `/v1/disputes/${id}` })
    t.equal(foreign.statusCode, 404, `${stage}: another enterprise gets 404`)
    t.notOk(leaks(foreign.body).length, `${stage}: and nothing of the consumer in it`)
    t.equal((await otherEnterprise({ url: `/v1/disputes/${id}/timeline` })).statusCode, 404)
    const foreignList = (await otherEnterprise({ url: '/v1/disputes' })).json()
    t.same(foreignList.data, [], `${stage}: nor in its list`)
  }

  await views(a.id, consumer, consumer, 'assigned')
  const accepted = await post(enterprise, a.id, 'accept')
  t.same(accepted.json().consumer, consumer, 'the answer to accept shows the enterprise whom to call')
  await views(a.id, consumer, consumer, 'in_progress')
  await post(enterprise, a.id, 'contacts', {
    channel: 'phone',
    contacted_at: new Date().toISOString(),
    reached: true,
    summary: 'Consumer agrees to a refund of the unused part.',
  })
  t.equal((await post(enterprise, a.id, 'settlements', settlementOf2700)).statusCode, 201)
  await views(a.id, consumer, consumer, 'settled')
  await post(enterprise, a.id, 'refunds', {
    amount: { amount: 2700, currency: 'CNY' },
    method: 'original_payment',
    reference: 'RF-99120001',
    refunded_at: new Date().toISOString(),
  })
  const closed = await post(enterprise, a.id, 'outcome', { result: 'fulfilled', summary: 'Refunded.' })
  t.same(closed.json().consumer, masked, 'the answer that closes it is already masked')
  await views(a.id, consumer, masked, 'closed')
  await post(regulator, a.id, 'feedback', { resolved: true, satisfaction: 'satisfied' })

  await post(regulator, b.id, 'escalate', { reason: 'The enterprise and the consumer disagree.' })
  await views(b.id, otherConsumer, otherConsumer, 'escalated (still open)')
  await post(regulator, b.id, 'close', { resolution: 'mediated' })
  await views(b.id, otherConsumer, { name: '欧***', phone: '139****4321' }, 'closed after mediation')

  // Never in events: they travel to webhooks and are kept for months.
  const events = await database.db.selectFrom('events').select(['type', 'data']).execute()
  t.ok(events.length >= 10, `${events.length} events`)
  for (const event of events) {
    t.same(leaks(event.data), [], `no personal data in ${event.type}`)
    const object = JSON.parse(event.data).data?.object
    if (object?.object === 'dispute') t.same(object.consumer, erased, `${event.type} carries no consumer`)
  }

  // Never in the audit log: it holds only a salted commitment.
  const entries = await database.db.selectFrom('audit_entries').select(['leaf_index', 'canonical']).execute()
  t.ok(entries.length >= 10, `${entries.length} audit entries`)
  for (const entry of entries) {
    t.same(
      leaks(Buffer.from(entry.canonical).toString('utf8')),
      [],
      `no personal data in audit entry ${entry.leaf_index}`,
    )
  }
  const created = entries
    .map((entry) => JSON.parse(Buffer.from(entry.canonical).toString('utf8')))
    .filter((entry) => entry.action === 'dispute.created')
  t.equal(created.length, 2)
  for (const entry of created) t.match(entry, { personal_data_commitment: /^[0-9a-f]{64}$/ })

  // Never in the logs, at the most verbose level, including requests that fail.
  await regulator({
    method: 'POST',
    url: '/v1/disputes',
    payload: { external_ref: a.external_ref, channel: 'hotline_12315', enterprise_id: owner.id, consumer },
  })
  await regulator({ method: 'POST', url: '/v1/disputes', payload: { ...a, consumer } })
  await post(regulator, a.id, 'erase-personal-data')
  await post(regulator, b.id, 'erase-personal-data')
  const log = lines.join('')
  t.ok(log.includes('request completed'), 'requests were logged')
  t.ok(lines.length > 50, `${lines.length} log lines`)
  t.same(leaks(log), [], 'no name or phone in the logs')
})

t.test(`erasing the personal data keeps the audit log whole (${backend})`, async (t) => {
  const { app, database, regulatorToken, owner, regulator, enterprise } = await loggedApp(t)
  const open = await intakeDispute(app, regulatorToken, owner.id, { consumer })
  const closing = await intakeDispute(app, regulatorToken, owner.id, { consumer: otherConsumer })
  await enterprise({ method: 'POST', url: `/v1/disputes/${open.id}/accept` })
  await regulator({
    method: 'POST',
    url: `/v1/disputes/${closing.id}/withdraw`,
    payload: { note: 'withdrawn' },
  })

  const auditLog = async () =>
    (
      await database.db
        .selectFrom('audit_entries')
        .select(['leaf_index', 'leaf_hash', 'canonical'])
        .orderBy('leaf_index')
        .execute()
    ).map((entry) => ({
      index: Number(entry.leaf_index),
      hash: Buffer.from(entry.leaf_hash).toString('hex'),
      bytes: Buffer.from(entry.canonical).toString('hex'),
    }))
  const salts = async (id: string) =>
    (await database.db.selectFrom('audit_salts').select('leaf_index').where('dispute_id', '=', id).execute())
      .length

  const cases = [
    { name: 'an open dispute', dispute: open, person: consumer, ownerSees: erased },
    { name: 'a closed dispute', dispute: closing, person: otherConsumer, ownerSees: erased },
  ]
  for (const { name, dispute, person } of cases) {
    t.same(
      (await regulator({ url: `/v1/disputes/${dispute.id}` })).json().consumer,
      person,
      `${name}: before`,
    )
    t.ok((await salts(dispute.id)) >= 1, `${name}: the intake's commitment has its salt`)
  }
  for (const { name, dispute, ownerSees } of cases) {
    const before = await auditLog()
    const version = (await regulator({ url: `/v1/disputes/${dispute.id}` })).json().version
    const res = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/erase-personal-data`,
      payload: { note: 'Consumer request under PIPL art. 47.' },
    })
    t.equal(res.statusCode, 200, `${name}: erased`)
    t.match(res.json(), { consumer: erased, version: version + 1 })
    t.same(
      (await regulator({ url: `/v1/disputes/${dispute.id}` })).json().consumer,
      erased,
      `${name}: the regulator sees nulls`,
    )
    t.same(
      (await enterprise({ url: `/v1/disputes/${dispute.id}` })).json().consumer,
      ownerSees,
      `${name}: so does the enterprise`,
    )
    t.equal(await salts(dispute.id), 0, `${name}: the salts are deleted`)
    const row = await database.db
      .selectFrom('disputes')
      .select(['consumer_name', 'consumer_phone'])
      .where('id', '=', dispute.id)
      .executeTakeFirstOrThrow()
    t.same(row, { consumer_name: null, consumer_phone: null }, `${name}: the row keeps nothing`)
    const after = await auditLog()
    t.same(
      after.slice(0, before.length),
      before,
      `${name}: every earlier audit entry is byte for byte the same`,
    )
    t.equal(after.length, before.length + 1, `${name}: the erasure is itself one new entry`)

    const again = await regulator({ method: 'POST', url: `/v1/disputes/${dispute.id}/erase-personal-data` })
    t.equal(again.statusCode, 409, `${name}: a second erasure is refused`)
    t.equal(again.json().code, 'invalid_transition')
    t.same(await auditLog(), after, `${name}: and changes nothing`)
  }
  t.equal(
    (await enterprise({ method: 'POST', url: `/v1/disputes/${open.id}/erase-personal-data` })).statusCode,
    403,
    'only a regulator erases',
  )
})

t.test(
  `after erasure no copy of the name and phone is left, stored responses included (${backend})`,
  async (t) => {
    const { database, owner, regulator, enterprise } = await loggedApp(t)
    // Intake and accept with Idempotency-Keys, as integrators are told to send them.
    const intake = {
      method: 'POST' as const,
      url: '/v1/disputes',
      headers: { 'idempotency-key': 'intake-12315-0001' },
      payload: complaint(owner.id, { consumer }),
    }
    const created = await regulator(intake)
    t.equal(created.statusCode, 201)
    const id = created.json().id
    const accept = {
      method: 'POST' as const,
      url: `/v1/disputes/${id}/accept`,
      headers: { 'idempotency-key': 'accept-1' },
    }
    t.equal((await enterprise(accept)).statusCode, 200)
    await regulator({ method: 'POST', url: `/v1/disputes/${id}/withdraw` })
    t.equal(
      (await regulator({ method: 'POST', url: `/v1/disputes/${id}/erase-personal-data` })).statusCode,
      200,
    )

    const stored = await everyStoredText(database)
    for (const [table, text] of Object.entries(stored)) {
      t.same(leaks(text), [], `no name or phone left in ${table}`)
    }
    const replayedIntake = await regulator(intake)
    t.equal(replayedIntake.headers['idempotent-replayed'], 'true')
    t.same(leaks(replayedIntake.body), [], 'replaying the intake does not bring them back')
    const replayedAccept = await enterprise(accept)
    t.same(
      leaks(replayedAccept.body),
      [],
      'nor does the enterprise replaying its accept after the dispute closed',
    )
  },
)
