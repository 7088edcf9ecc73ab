import { parse } from 'csv-parse/sync'
import t from 'tap'
import { exportDisputes } from '../../src/services/disputes/export.js'
import { testApp } from '../helpers/app.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

/*
 * The register as CSV, read back by csv-parse, an independent parser: 12 disputes of
 * enterprise A (consumer 欧阳小明, 13912345678) and 3 of enterprise B (consumer 张伟). Two of
 * A's descriptions are hostile: one a spreadsheet formula, one with quotes, a comma and a
 * line break.
 */

const FORMULA = '=HYPERLINK("http://example.com","点击")'
const AWKWARD = '他说："退款"，然后, 挂断了\n第二天再打'

const scenario = (async () => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const a = await enrolEnterprise(app, regulatorToken, '北京爱看视频科技有限公司')
  const b = await enrolEnterprise(app, regulatorToken, '北京优品电商有限公司')
  const ofA: string[] = []
  const ofB: string[] = []
  const consumerA = { name: '欧阳小明', phone: '13912345678' }
  for (let i = 0; i < 12; i++) {
    const description = i === 0 ? FORMULA : i === 1 ? AWKWARD : `年度会员无法观看承诺的影片（第 ${i} 件）`
    const claim = { description, demands: ['refund'], amount: { amount: 2700, currency: 'CNY' } }
    ofA.push((await intakeDispute(app, regulatorToken, a.id, { consumer: consumerA, claim })).id)
  }
  for (let i = 0; i < 3; i++) {
    ofB.push((await intakeDispute(app, regulatorToken, b.id, { problem_type: 'quality' })).id)
  }
  const get = (token: string, url: string, headers: Record<string, string> = {}) =>
    as(app, token)({ method: 'GET', url, headers })
  const exportActions = async () => {
    const entries = await database.db.selectFrom('audit_entries').select('canonical').execute()
    return entries
      .map((row) => JSON.parse(Buffer.from(row.canonical).toString()))
      .filter((entry) => entry.action === 'personal_data.exported')
  }
  return { app, database, regulatorToken, a, b, ofA, ofB, get, exportActions }
})()

type Row = Record<string, string>
const rowsOf = (body: string): Row[] => parse(body, { bom: true, columns: true, skip_empty_lines: true })

t.test(
  'the whole filtered register comes as CSV with a BOM and Chinese headers, whatever the limit',
  async (t) => {
    const { regulatorToken, ofA, ofB, get, exportActions } = await scenario
    const res = await get(regulatorToken, '/v1/disputes?format=csv&limit=2')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/csv; charset=utf-8/)
    t.match(res.headers['content-disposition'], /attachment; filename="hejie-disputes\.csv"/)
    t.equal(res.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'starts with the UTF-8 byte order mark')
    const rows = rowsOf(res.body)
    t.same(rows.map((row) => row['纠纷编号']).sort(), [...ofA, ...ofB].sort(), 'every dispute, once')
    const first = rows.find((row) => row['纠纷编号'] === ofA[2])
    t.equal(first?.['诉求描述'], '年度会员无法观看承诺的影片（第 2 件）', 'Chinese text intact')
    t.equal(first?.['诉求金额（元）'], '27.00')
    t.equal(await exportActions().then((entries) => entries.length), 0, 'a masked export is not audited')
  },
)

t.test('masks the consumer by default, even for a regulator', async (t) => {
  const { regulatorToken, ofA, ofB, get } = await scenario
  const rows = rowsOf((await get(regulatorToken, '/v1/disputes?format=csv')).body)
  const byId = new Map(rows.map((row) => [row['纠纷编号'], row]))
  t.equal(byId.get(ofA[0] ?? '')?.['消费者姓名'], '欧***')
  t.equal(byId.get(ofA[0] ?? '')?.['消费者电话'], '139****5678')
  t.equal(byId.get(ofB[0] ?? '')?.['消费者姓名'], '张*')
  t.equal(byId.get(ofB[0] ?? '')?.['消费者电话'], '138****1234')
})

t.test('a regulator asking for personal data gets it in the clear, and the export is audited', async (t) => {
  const { regulatorToken, ofA, get, exportActions } = await scenario
  const before = (await exportActions()).length
  const res = await get(
    regulatorToken,
    '/v1/disputes?format=csv&include_personal_data=true&problem_type=contract',
    { 'x-request-id': 'export-with-personal-data' },
  )
  t.equal(res.statusCode, 200)
  const rows = rowsOf(res.body)
  t.same(rows.map((row) => row['纠纷编号']).sort(), [...ofA].sort(), 'the filter applies')
  t.ok(rows.every((row) => row['消费者姓名'] === '欧阳小明' && row['消费者电话'] === '13912345678'))
  const entries = await exportActions()
  t.equal(entries.length, before + 1, 'one audit entry for the export')
  t.match(entries.at(-1), {
    request_id: 'export-with-personal-data',
    actor: { role: 'regulator' },
  })
})

t.test('an enterprise asking for personal data is refused, and nothing is recorded', async (t) => {
  const { a, get, exportActions } = await scenario
  const before = (await exportActions()).length
  const res = await get(a.token, '/v1/disputes?format=csv&include_personal_data=true')
  t.equal(res.statusCode, 403)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  t.equal(res.json().code, 'forbidden')
  t.match(res.json().detail, /Only a regulator may export personal data/)
  t.equal((await exportActions()).length, before)
})

t.test("an enterprise's export holds only its own disputes, masked", async (t) => {
  const { b, ofB, get } = await scenario
  const res = await get(b.token, '/v1/disputes', { accept: 'text/csv' })
  t.equal(res.statusCode, 200)
  const rows = rowsOf(res.body)
  t.same(rows.map((row) => row['纠纷编号']).sort(), [...ofB].sort())
  t.ok(rows.every((row) => row['消费者姓名'] === '张*'))
})

t.test('English headers with lang=en; JSON still answers without CSV asked', async (t) => {
  const { regulatorToken, get } = await scenario
  const res = await get(regulatorToken, '/v1/disputes?lang=en&limit=2', { accept: 'text/csv' })
  const [header] = res.body.replace(/^\uFEFF/, '').split('\r\n')
  t.match(header, /^id,external_ref,channel,status,/)
  const json = await get(regulatorToken, '/v1/disputes?limit=2')
  t.match(json.headers['content-type'], /application\/json/)
  t.equal(json.json().data.length, 2)
})

t.test('a formula is defused and quotes, commas and line breaks round-trip', async (t) => {
  const { regulatorToken, ofA, get } = await scenario
  const rows = rowsOf((await get(regulatorToken, '/v1/disputes?format=csv')).body)
  const byId = new Map(rows.map((row) => [row['纠纷编号'], row]))
  t.equal(byId.get(ofA[0] ?? '')?.['诉求描述'], `'${FORMULA}`)
  t.equal(byId.get(ofA[1] ?? '')?.['诉求描述'], AWKWARD)
})

t.test('bad CSV parameters are refused with a problem', async (t) => {
  const { regulatorToken, get } = await scenario
  for (const query of ['format=xlsx', 'lang=fr', 'include_personal_data=maybe']) {
    const res = await get(regulatorToken, `/v1/disputes?${query}`)
    t.equal(res.statusCode, 400, query)
    t.equal(res.json().code, 'validation_failed', query)
  }
})

t.test('the export reads the set in keyset batches and yields each dispute once', async (t) => {
  const { database, ofA, ofB } = await scenario
  const principal = {
    role: 'regulator' as const,
    clientId: 'test',
    enterpriseId: null,
    jurisdictionId: (
      await database.db
        .selectFrom('jurisdictions')
        .select('id')
        .where('parent_id', 'is', null)
        .executeTakeFirstOrThrow()
    ).id,
    scopes: new Set<never>(),
  }
  const seen: string[] = []
  for await (const row of await exportDisputes(database.db, principal, {}, new Date(), false, 4))
    seen.push(row.id)
  t.same(seen, [...ofA, ...ofB].sort().reverse(), 'newest first, across batches of 4, none twice')
})

t.test('each line of the register says what the API says of that dispute', async (t) => {
  const { app, regulatorToken, a, ofA, get } = await scenario
  // One dispute moved on, so that the lines differ in status and acceptance.
  const accepted = await as(app, a.token)({ method: 'POST', url: `/v1/disputes/${ofA[3]}/accept` })
  t.equal(accepted.statusCode, 200)
  const rows = rowsOf((await get(regulatorToken, '/v1/disputes?format=csv&lang=en')).body)
  const { data } = (await get(regulatorToken, '/v1/disputes?limit=100')).json()
  t.equal(rows.length, data.length)
  for (const dispute of data) {
    const row = rows.find((r) => r.id === dispute.id)
    const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value))
    t.same(
      row,
      {
        ...row,
        external_ref: cell(dispute.external_ref),
        status: dispute.status,
        resolution: cell(dispute.resolution),
        assignee_type: dispute.assignee.type,
        assignee_id: dispute.assignee.id,
        respondent_name: cell(dispute.respondent?.name),
        jurisdiction_id: dispute.jurisdiction_id,
        problem_type: dispute.problem_type,
        category: cell(dispute.category),
        received_at: dispute.received_at,
        assigned_at: dispute.assigned_at,
        respond_by: cell(dispute.respond_by),
        accepted_at: cell(dispute.accepted_at),
        overdue: String(dispute.overdue),
        created_at: dispute.created_at,
      },
      `the line of ${dispute.id}`,
    )
  }
})
