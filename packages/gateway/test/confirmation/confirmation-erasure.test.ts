import { sql } from 'kysely'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { PageVisitor, requestLink, settledDispute } from '../helpers/confirmation.js'
import { backend, type TestDatabase } from '../helpers/database.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { startReceiver } from '../helpers/receiver.js'

/**
 * Every place the database holds `needle`, in clear: each column of each row of each table,
 * text as it is and binary (the audit log's canonical bytes) as UTF-8.
 */
async function tablesHolding(database: TestDatabase, needle: string): Promise<string[]> {
  const names =
    backend === 'sqlite'
      ? await sql<{ name: string }>`
          select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
          database.db,
        )
      : await sql<{ name: string }>`
          select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(database.db)
  const found: string[] = []
  for (const { name } of names.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(database.db)
    const holds = rows.rows.some((row) =>
      Object.values(row).some((value) =>
        typeof value === 'string'
          ? value.includes(needle)
          : value instanceof Uint8Array
            ? Buffer.from(value).includes(Buffer.from(needle, 'utf8'))
            : value !== null && typeof value === 'object' && JSON.stringify(value).includes(needle),
      ),
    )
    if (holds) found.push(name)
  }
  if (names.rows.length < 10) throw new Error(`only ${names.rows.length} tables read`)
  return found
}

t.test(
  `after erasure, the consumer's comment on the settlement is gone from the dispute, the events, the webhooks, the stored responses and every table, and the decision, rating and time stay (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t, {
      config: { publicUrl: 'https://odr.example.gov.cn', webhookAllowPrivateTargets: true },
    })
    const regulatorToken = await accessToken(app, await regulatorCredentials(database))
    const regulator = as(app, regulatorToken)
    const shop = await enrolEnterprise(app, regulatorToken, '北京某视频科技有限责任公司')
    const enterprise = as(app, shop.token)
    const receiver = await startReceiver(t)
    const subscribed = await enterprise({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: receiver.url, event_types: ['settlement.confirmed'] },
    })
    t.equal(subscribed.statusCode, 201, subscribed.body)

    const { dispute, settlement } = await settledDispute(app, regulatorToken, shop)
    // A comment that occurs nowhere else, so that finding it means finding the consumer's words.
    const comment = `我是欧阳评论，住朝阳区某小区 ${Date.now()} 号，退款已收到。`
    const link = await requestLink(app, shop.token, dispute.id)
    const visitor = new PageVisitor(app, link.path)
    await visitor.open()
    await visitor.enterCode(link.code)
    const decided = await visitor.decide('confirmed', 'satisfied', comment)
    t.equal(decided.statusCode, 200, decided.body)
    await receiver.waitFor((received) => received.length >= 1)
    t.ok(receiver.received[0]?.body.includes(comment), 'before erasure the webhook carries the comment')

    // A later action, replayable by its key: its stored response shows the settlement too.
    const urge = {
      method: 'POST' as const,
      url: `/v1/disputes/${dispute.id}/urge`,
      headers: { 'idempotency-key': 'urge-after-confirmation' },
      payload: { note: '请尽快退款' },
    }
    const urged = await regulator(urge)
    t.equal(urged.statusCode, 200, urged.body)
    t.equal(urged.json().settlement.consumer_confirmation.comment, comment)
    t.ok((await tablesHolding(database, comment)).length > 0, 'the scan finds the comment before erasure')

    const erased = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/erase-personal-data`,
      payload: { note: 'PIPL request of the consumer' },
    })
    t.equal(erased.statusCode, 200, erased.body)
    const kept = { decision: 'confirmed', rating: 'satisfied', comment: null }
    t.match(erased.json().settlement.consumer_confirmation, kept, 'the answer shows the comment erased')

    for (const [who, caller] of [
      ['regulator', regulator],
      ['enterprise', enterprise],
    ] as const) {
      const view = (await caller({ method: 'GET', url: `/v1/disputes/${dispute.id}` })).json()
      t.same(
        view.settlement.consumer_confirmation,
        { ...kept, at: view.settlement.consumer_confirmation.at },
        `the ${who} sees decision, rating and time, and the comment as null`,
      )
      const settlements = await caller({ method: 'GET', url: `/v1/disputes/${dispute.id}/settlements` })
      t.match(settlements.json().data[0], { id: settlement.id, consumer_confirmation: kept })
      const events = await caller({ method: 'GET', url: '/v1/events?limit=100' })
      t.equal(events.statusCode, 200)
      t.notOk(events.body.includes(comment), `no event the ${who} reads holds the comment`)
      const confirmed = events
        .json()
        .data.find((event: { type: string }) => event.type === 'settlement.confirmed')
      t.match(confirmed.data.object.consumer_confirmation, kept, 'the event keeps the answer without it')
    }

    const replay = await regulator(urge)
    t.equal(replay.headers['idempotent-replayed'], 'true')
    t.equal(replay.json().settlement.consumer_confirmation.comment, null, 'a replay does not bring it back')

    // The webhook sent again after the erasure carries what the outbox holds now.
    const deliveries = await enterprise({
      method: 'GET',
      url: `/v1/webhook-endpoints/${subscribed.json().id}/deliveries`,
    })
    const [delivery] = deliveries.json().data
    const retried = await enterprise({ method: 'POST', url: `/v1/webhook-deliveries/${delivery.id}/retry` })
    t.equal(retried.statusCode, 202, retried.body)
    await receiver.waitFor((received) => received.length >= 2)
    const resent = receiver.received[1]?.body ?? ''
    t.notOk(resent.includes(comment), 'the webhook sent again holds no comment')
    t.match(JSON.parse(resent).data.object.consumer_confirmation, kept)

    t.same(await tablesHolding(database, comment), [], 'no table holds the comment')
  },
)

t.test(
  `new audit entries of a consumer's answer commit to the comment with a salt and never hold it in clear (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t, { config: { publicUrl: 'https://odr.example.gov.cn' } })
    const regulatorToken = await accessToken(app, await regulatorCredentials(database))
    const shop = await enrolEnterprise(app, regulatorToken, '北京某视频科技有限责任公司')
    const { dispute } = await settledDispute(app, regulatorToken, shop)
    const comment = `评论只属于消费者 ${Date.now()}`
    const link = await requestLink(app, shop.token, dispute.id)
    const visitor = new PageVisitor(app, link.path)
    await visitor.open()
    await visitor.enterCode(link.code)
    t.equal((await visitor.decide('rejected', 'dissatisfied', comment)).statusCode, 200)

    const entries = await database.db
      .selectFrom('audit_entries')
      .select(['leaf_index', 'canonical'])
      .where('dispute_id', '=', dispute.id)
      .orderBy('leaf_index')
      .execute()
    const answer = entries
      .map((row) => ({
        index: row.leaf_index,
        entry: JSON.parse(Buffer.from(row.canonical).toString('utf8')),
      }))
      .find(({ entry }) => entry.action === 'settlement.rejected')
    t.ok(answer, 'the answer has its entry')
    t.notOk(JSON.stringify(answer?.entry).includes(comment), 'the entry holds no comment')
    t.match(answer?.entry.personal_data_commitment, /^[0-9a-f]{64}$/, 'it commits to the comment instead')
    const salt = await database.db
      .selectFrom('audit_salts')
      .select('dispute_id')
      .where('leaf_index', '=', answer?.index ?? -1)
      .executeTakeFirst()
    t.equal(salt?.dispute_id, dispute.id, 'with a salt that erasure deletes')
    const timeline = await as(
      app,
      regulatorToken,
    )({ method: 'GET', url: `/v1/disputes/${dispute.id}/timeline` })
    t.notOk(timeline.body.includes(comment), 'the timeline holds no comment')
  },
)
