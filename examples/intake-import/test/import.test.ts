import { execFile } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hejie } from '@hejie/sdk'
import t, { type Test } from 'tap'
import { Agent } from 'undici'
import { seedDemo } from '../../../packages/gateway/src/demo/seed.js'
import { deadlinePolicyFrom } from '../../../packages/gateway/src/services/disputes/deadline-policy.js'
import { testConfig } from '../../../packages/gateway/test/helpers/app.js'
import { backend } from '../../../packages/gateway/test/helpers/database.js'
import { liveGateway } from '../../../packages/sdk/test/helpers/gateway.js'
import { type ImportedLine, importTickets } from '../src/import.js'
import { mapTicket } from '../src/map-ticket.js'
import { parseCsv } from '../src/parse-csv.js'
import { parseXlsx } from '../src/parse-xlsx.js'
import { readExport } from '../src/read-export.js'
import { sampleCsv, sampleLines } from '../src/write-samples.js'

const samples = fileURLToPath(new URL('../samples/', import.meta.url))
const sampleCsvFile = join(samples, 'tickets-2026-12-07.csv')
const sampleXlsxFile = join(samples, 'tickets-2026-12-07.xlsx')
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url))

/**
 * The demo city (`pnpm start`) on a live gateway, and a client of its 12315 intake centre
 * made from `@hejie/sdk`, the package the import uses (the helpers' `sdkClient` is built from
 * the SDK's sources), on a connection pool of its own.
 */
async function demoCity(t: Test) {
  const { baseUrl, database } = await liveGateway(t)
  const demo = await seedDemo(database, deadlinePolicyFrom(testConfig()))
  const dispatcher = new Agent()
  t.teardown(() => dispatcher.destroy())
  const hejie = new Hejie({ baseUrl, ...demo.regulator, dispatcher })
  return { baseUrl, demo, hejie }
}

async function importFile(hejie: Hejie, file: string) {
  return importTickets(hejie, (await readExport(file)).map(mapTicket))
}

/** A report line without the ids, which differ from one gateway to another. */
function withoutIds(line: ImportedLine) {
  return [
    line.line,
    line.ticket,
    line.result,
    line.destination.replace(/ \(\w+\)$/, ''),
    line.matchedBy,
    line.reason,
  ]
}

const firstImport = [
  [2, '12315-2026-1207001', 'routed', '北京优品电商有限公司', 'uscc', ''],
  [3, '12345-2026-1207002', 'routed', '北京爱看视频科技有限公司', 'name', ''],
  [4, '12345-2026-1207003', 'routed', '丰台区食品经营安全监管科', 'rule', ''],
  [5, '12315-2026-1207004', 'routed', '卢沟桥市场监督管理所执法队', 'rule', ''],
  [6, '12345-2026-1207005', 'routed', '丰台区预付式消费整治专班', 'rule', ''],
  [7, '12345-2026-1207006', 'routed', '北京市12345接诉即办中心', 'fallback', ''],
  [8, '12315-2026-1207007', 'refused', '', '', '联系电话 is empty'],
  [9, '12315-2026-1207001', 'already imported', '北京优品电商有限公司', 'uscc', ''],
]

async function disputeCount(hejie: Hejie): Promise<number> {
  let count = 0
  for await (const _ of hejie.disputes.list({ limit: 100 })) count += 1
  return count
}

function run(file: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [main, file, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    )
  })
}

t.test(
  `the sample CSV imports with the expected result and destination on each line, the report as a CSV file, and exit code 2 for the refused line (${backend})`,
  async (t) => {
    const { baseUrl, demo, hejie } = await demoCity(t)
    const dir = await mkdtemp(join(tmpdir(), 'intake-import-'))
    const reportFile = join(dir, 'report.csv')
    const { code, stdout, stderr } = await run(sampleCsvFile, ['--report', reportFile], {
      HEJIE_BASE_URL: baseUrl,
      HEJIE_CLIENT_ID: demo.regulator.clientId,
      HEJIE_CLIENT_SECRET: demo.regulator.clientSecret,
    })
    t.equal(code, 2, stderr)
    t.match(stdout, /8 lines: 6 routed, 1 already imported, 1 refused/)
    t.match(stdout, /12315-2026-1207007\s+refused\s+联系电话 is empty/)

    const report = await readFile(reportFile, 'utf8')
    t.ok(
      report.startsWith('\uFEFF行号,工单号,结果,去向,匹配方式,原因,争议编号\r\n'),
      'Chinese header, with BOM and CRLF',
    )
    const rows = parseCsv(report)
    t.same(
      rows.map((row) => [
        Number(row.cells.行号),
        row.cells.工单号,
        row.cells.结果,
        row.cells.去向?.replace(/ \(\w+\)$/, ''),
        row.cells.匹配方式,
        row.cells.原因,
      ]),
      firstImport,
    )
    const first = rows[0]?.cells
    const duplicate = rows[7]?.cells
    t.match(first?.争议编号, /^dsp_/)
    t.equal(
      duplicate?.争议编号,
      first?.争议编号,
      'the ticket exported twice is the dispute of its first line',
    )
    t.match(first?.去向, /^北京优品电商有限公司 \(ent_\w+\)$/)

    const dispute = await hejie.disputes.retrieve(first?.争议编号 ?? '')
    t.match(dispute, {
      external_ref: '12315-2026-1207001',
      channel: 'hotline_12315',
      problem_type: 'quality',
      category: '家用电器/电饭煲',
      consumer: { name: '刘敏' },
      claim: { demands: ['return', 'refund'], amount: { amount: 39900, currency: 'CNY' } },
      purchase: { date: '2026-11-20' },
      received_at: '2026-12-07T00:41:00.000Z',
      respondent: { name: '优品商城' },
    })
    const prepaid = await hejie.disputes.list({ external_ref: '12345-2026-1207005' })
    t.same(prepaid.data[0]?.claim.amount, { amount: 268000, currency: 'CNY' }, '2,680.00 yuan is 268000 fen')
  },
)

t.test(`the XLSX gives the same report as the CSV (${backend})`, async (t) => {
  const fromCsv = (await readExport(sampleCsvFile)).map(mapTicket)
  const fromXlsx = (await parseXlsx(await readFile(sampleXlsxFile))).map(mapTicket)
  t.same(fromXlsx, fromCsv, 'every line maps to the same intake body')

  const { hejie } = await demoCity(t)
  t.same((await importFile(hejie, sampleXlsxFile)).map(withoutIds), firstImport)
})

t.test(
  `running the same file twice creates nothing new and reports every imported line as already imported, with its dispute (${backend})`,
  async (t) => {
    const { hejie } = await demoCity(t)
    const first = await importFile(hejie, sampleCsvFile)
    const count = await disputeCount(hejie)
    const second = await importFile(hejie, sampleCsvFile)
    t.equal(await disputeCount(hejie), count, 'no dispute was made')
    t.same(
      second.map(withoutIds),
      firstImport.map((line) =>
        line[2] === 'refused' ? line : [...line.slice(0, 2), 'already imported', ...line.slice(3)],
      ),
    )
    t.same(
      second.map((line) => line.disputeId),
      first.map((line) => line.disputeId),
      'each line names the dispute its ticket became',
    )
    const third = await importFile(hejie, join(samples, 'tickets-2026-12-07.xlsx'))
    t.ok(
      third.every(
        (line) => line.result === (line.ticket === '12315-2026-1207007' ? 'refused' : 'already imported'),
      ),
      'the XLSX of the same export too',
    )
  },
)

t.test(
  `a malformed line is refused with its reason while the lines around it are imported (${backend})`,
  async (t) => {
    const [good, other] = sampleLines as [(typeof sampleLines)[number], (typeof sampleLines)[number]]
    const lines = [
      good,
      Object.assign([...good], { 0: 'T-UNKNOWN-TYPE', 10: '投诉' }) as typeof good,
      Object.assign([...good], { 0: 'T-AMOUNT', 14: '约两百元' }) as typeof good,
      Object.assign([...good], { 0: 'T-DEMAND', 13: '退款、精神损失费' }) as typeof good,
      Object.assign([...good], { 0: 'T-RECEIVED', 2: '2026-02-30 10:00' }) as typeof good,
      Object.assign([...good], { 0: 'T-SHORT-PHONE', 5: '1234' }) as typeof good,
      Object.assign([...good], { 0: 'T-NOWHERE', 3: '999999' }) as typeof good,
      other,
    ]
    const dir = await mkdtemp(join(tmpdir(), 'intake-import-'))
    const file = join(dir, 'malformed.csv')
    await writeFile(file, sampleCsv(lines))

    const { hejie } = await demoCity(t)
    const report = await importFile(hejie, file)
    t.equal(report.length, 8)
    t.match(report, [
      { ticket: '12315-2026-1207001', result: 'routed', reason: '' },
      { ticket: 'T-UNKNOWN-TYPE', result: 'refused', reason: /^问题类型 "投诉" is not one of: 质量、/ },
      { ticket: 'T-AMOUNT', result: 'refused', reason: '涉及金额(元) "约两百元" is not an amount in yuan' },
      { ticket: 'T-DEMAND', result: 'refused', reason: /^诉求 "精神损失费" is not one of: 退款、/ },
      {
        ticket: 'T-RECEIVED',
        result: 'refused',
        reason: '受理时间 "2026-02-30 10:00" is not a time (YYYY-MM-DD HH:mm)',
      },
      { ticket: 'T-SHORT-PHONE', result: 'refused', reason: '联系电话 "1234" is not a phone number' },
      {
        ticket: 'T-NOWHERE',
        result: 'refused',
        reason: '受理区划 "999999" is not a jurisdiction of this regulator\'s tree',
      },
      {
        ticket: '12345-2026-1207002',
        result: 'routed',
        reason: '',
        destination: /^北京爱看视频科技有限公司 \(ent_/,
      },
    ])
  },
)

t.test(`a refusal of the API is reported with the problem's code and detail (${backend})`, async (t) => {
  const { hejie } = await demoCity(t)
  const [good] = sampleLines as [(typeof sampleLines)[number]]
  const long = Object.assign([...good], { 0: 'T-LONG', 12: '很'.repeat(5001) }) as typeof good
  const report = await importTickets(hejie, parseCsv(sampleCsv([long])).map(mapTicket))
  t.match(report, [
    { ticket: 'T-LONG', result: 'refused', reason: /^validation_failed: .*claim\/description/ },
  ])
})

t.test('BOM and CRLF are handled: the same export reads the same with or without them', async (t) => {
  const withBomCrlf = sampleCsv()
  t.ok(withBomCrlf.startsWith('\uFEFF工单号,') && withBomCrlf.includes('\r\n'), 'the sample has both')
  const plain = withBomCrlf.slice(1).replace(/\r\n/g, '\n')
  const expected = parseCsv(withBomCrlf)
  t.equal(Object.keys(expected[0]?.cells ?? {})[0], '工单号', 'the BOM is not part of the first header')
  t.same(parseCsv(plain), expected, 'LF, no BOM')
  t.same(parseCsv(withBomCrlf.slice(1)), expected, 'CRLF, no BOM')
  t.same(parseCsv(`\uFEFF${plain}`), expected, 'LF with BOM')
  t.same(parseCsv(plain.replace(/\n$/, '')), expected, 'no line end after the last line')
  t.same(parseCsv(`${withBomCrlf}\r\n,,,\r\n`), expected, 'blank lines at the end are skipped')
  t.equal(expected[4]?.cells['涉及金额(元)'], '2,680.00', 'a quoted field keeps its comma')

  const quoted = parseCsv(
    '\uFEFF工单号,诉求描述,联系电话\r\nA-1,"第一行\r\n第二行，""引号""",13800000000\r\nA-2,x,13800000001\r\n',
  )
  t.same(quoted, [
    { line: 2, cells: { 工单号: 'A-1', 诉求描述: '第一行\r\n第二行，"引号"', 联系电话: '13800000000' } },
    { line: 4, cells: { 工单号: 'A-2', 诉求描述: 'x', 联系电话: '13800000001' } },
  ])
})
