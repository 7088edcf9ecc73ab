import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hejie, type StatsGroup } from '@hejie/sdk'
import t, { type Test } from 'tap'
import { seedDemo } from '../../../packages/gateway/src/demo/seed.js'
import { deadlinePolicyFrom } from '../../../packages/gateway/src/services/disputes/deadline-policy.js'
import { testConfig } from '../../../packages/gateway/test/helpers/app.js'
import { backend } from '../../../packages/gateway/test/helpers/database.js'
import { liveGateway } from '../../../packages/sdk/test/helpers/gateway.js'
import { currentMonth, monthPeriod } from '../src/period.js'
import { run } from '../src/report.js'

/** A real gateway on a fresh database holding the demo city, and its city-level regulator. */
async function demoCity(t: Test) {
  const gateway = await liveGateway(t)
  const demo = await seedDemo(gateway.database, deadlinePolicyFrom(testConfig()))
  const env = {
    HEJIE_BASE_URL: gateway.baseUrl,
    HEJIE_CLIENT_ID: demo.regulator.clientId,
    HEJIE_CLIENT_SECRET: demo.regulator.clientSecret,
  }
  const regulator = new Hejie({ baseUrl: gateway.baseUrl, ...demo.regulator })
  return { ...gateway, env, regulator, month: currentMonth(gateway.database.clock.now()) }
}

/** Runs the command as `pnpm start` would, into a directory of its own; its exit code, output and files. */
async function report(env: Record<string, string>, ...argv: string[]) {
  const out = await mkdtemp(join(tmpdir(), 'hejie-report-'))
  const said: string[] = []
  const code = await run({
    argv: [...argv, '--out', out],
    env,
    log: (line) => said.push(line),
    error: (line) => said.push(line),
  })
  const files = await readdir(out)
  const text = files.length === 1 ? await readFile(join(out, files[0] ?? ''), 'utf8') : ''
  return { code, said: said.join('\n'), files, text }
}

/** The core indicators table of a Markdown report, parsed back: key → cell. */
function indicatorCells(markdown: string): Map<string, string> {
  const cells = new Map<string, string>()
  const section = markdown.split('## 核心指标')[1]?.split('###')[0] ?? ''
  for (const line of section.split('\n')) {
    const match = /^\| [^|]+ \| [^|]+ \| `([a-z_.]+)` \| (.+) \|$/.exec(line)
    if (match?.[1] && match[2]) cells.set(match[1], match[2])
  }
  return cells
}

function fieldOf(group: StatsGroup, key: string): unknown {
  return key.split('.').reduce<unknown>((v, part) => (v as Record<string, unknown>)[part], group)
}

/** A cell read back: a percentage to a rate, 元 to fen, “—” to null, else a number. */
function readBack(cell: string): number | null {
  if (cell === '—') return null
  if (cell.endsWith('%')) return Number(cell.slice(0, -1)) / 100
  if (cell.endsWith(' 元')) return Math.round(Number(cell.slice(0, -2).replace(/,/g, '')) * 100)
  return Number(cell)
}

t.test(`the Markdown report's indicators equal /v1/stats for the month (${backend})`, async (t) => {
  const city = await demoCity(t)
  const { code, text, files } = await report(city.env, '--month', city.month)
  t.equal(code, 0)
  t.same(files, [`report-${city.month}.md`])
  const { from, to } = monthPeriod(city.month)
  const stats = (await city.regulator.stats.retrieve({ from, to })).data[0]
  if (!stats) throw new Error('no totals')
  t.ok(stats.received > 0 && stats.settlement_rate !== null, 'the demo month has disputes and rates')

  const cells = indicatorCells(text)
  t.ok(cells.size >= 17, 'every indicator has its row')
  for (const [key, cell] of cells) {
    const expected = fieldOf(stats, key)
    const read = readBack(cell)
    if (key === 'refunded')
      t.equal(read, stats.refunded.amount, `${key}: ${cell} is the fen the API answered`)
    else if (key.endsWith('_rate') && typeof expected === 'number')
      t.ok(read !== null && Math.abs(read - expected) <= 0.0005 + 1e-9, `${key}: ${cell} is ${expected}`)
    else t.equal(read, expected, `${key}: ${cell}`)
  }
})

t.test(
  `the HTML report is one file, its charts inline SVG, with no external reference (${backend})`,
  async (t) => {
    const city = await demoCity(t)
    const { code, text, files } = await report(city.env, '--month', city.month, '--format', 'html')
    t.equal(code, 0)
    t.same(files, [`report-${city.month}.html`], 'one file')
    for (const heading of ['月度监管报告', '核心指标', '企业排名', '风险预警', '审计核验'])
      t.match(text, heading)
    t.ok((text.match(/<svg[\s>]/g) ?? []).length >= 2, 'the rate and volume charts are SVG')
    t.match(
      text,
      /<svg class="line-chart"[\s\S]*?<circle [\s\S]*?<\/svg>/,
      'the rates: a line chart, a point per rate',
    )
    t.match(text, /<svg class="bar-chart"[\s\S]*?<rect [^>]*><title>[\s\S]*?<\/svg>/, 'the volume: bars')
    t.notMatch(text, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i, 'no src or href leaves the file')
    t.notMatch(text, /https?:\/\/(?!127\.0\.0\.1)/, 'no URL at all but the gateway read')
    t.notMatch(text, /<(?:script|link|img|iframe)\b/i)
  },
)

t.test(
  `the audit section says the bundle verified, with the number of the month's entries (${backend})`,
  async (t) => {
    const city = await demoCity(t)
    const { from, to } = monthPeriod(city.month)
    let entries = 0
    for await (const entry of city.regulator.audit.entries({ start: 0 })) {
      const at = Date.parse(String(entry.entry?.at))
      if (at >= Date.parse(from) && at < Date.parse(to)) entries += 1
    }
    t.ok(entries > 0)
    const { code, text, said } = await report(city.env, '--month', city.month)
    t.equal(code, 0)
    const section = text.split('## 审计核验')[1] ?? ''
    t.match(section, `The audit bundle verified: ${entries} entries verified.`)
    t.match(section, `| 核验通过 Verified | ${entries} |`)
    const checkpoint = await city.regulator.audit.checkpoint()
    t.match(section, /\| 检查点大小 Checkpoint tree size \| \d+ \|/)
    t.match(section, /\| 检查点根哈希 Checkpoint root hash \| [A-Za-z0-9+/]{43}= \|/)
    t.match(section, /\| 签名密钥 Signing key id \| [\w-]+ \|/)
    t.ok(checkpoint.tree_size >= entries)
    t.match(said, `${entries} entries verified`)
  },
)

t.test(
  `an altered audit entry makes the report say verification failed and exit non-zero (${backend})`,
  async (t) => {
    const city = await demoCity(t)
    const db = city.database.db
    const victim = await db
      .selectFrom('audit_entries')
      .select(['leaf_index', 'canonical'])
      .where('leaf_index', '=', 5)
      .executeTakeFirstOrThrow()
    // Rewrite one character of the stored bytes, keeping them JSON: what a quiet edit of the database does.
    const altered = Buffer.from(victim.canonical)
      .toString('utf8')
      .replace(/"digest":"(.)/, (_, c: string) => {
        return `"digest":"${c === 'A' ? 'B' : 'A'}`
      })
    await db
      .updateTable('audit_entries')
      .set({ canonical: Buffer.from(altered, 'utf8') })
      .where('leaf_index', '=', 5)
      .execute()

    for (const format of ['markdown', 'html']) {
      const { code, text, said } = await report(city.env, '--month', city.month, '--format', format)
      t.equal(code, 1, `${format}: the command exits non-zero`)
      t.match(text, 'AUDIT VERIFICATION FAILED: 1 of', `${format}: the report says so`)
      t.match(text, '审计核验失败')
      t.match(text, /entry 5: /, `${format}: and names the entry`)
      t.match(said, 'AUDIT VERIFICATION FAILED')
    }
  },
)

t.test(`an empty month reports zeros and “—” without crashing (${backend})`, async (t) => {
  const city = await demoCity(t)
  const { code, text } = await report(city.env, '--month', '2020-01')
  t.equal(code, 0)
  const cells = indicatorCells(text)
  t.equal(cells.get('received'), '0')
  t.equal(cells.get('settled'), '0')
  t.equal(cells.get('settlement_rate'), '—')
  t.equal(cells.get('on_time_rate'), '—')
  t.equal(cells.get('avg_handling_hours'), '—')
  t.equal(cells.get('refunded'), '0.00 元')
  t.match(text, 'Nothing to rank this month.')
  t.match(text, 'No risk signal this month.')
  t.match(text, 'The audit bundle verified: 0 entries verified')
  const html = await report(city.env, '--month', '2020-01', '--format', 'html')
  t.equal(html.code, 0)
  t.ok((html.text.match(/<svg[\s>]/g) ?? []).length >= 2, 'the charts are drawn empty')
})
