import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import stringWidth from 'string-width'
import t from 'tap'
import { OffsetClock } from '../../gateway/src/domain/clock.js'
import { backend, freshDatabase } from '../../gateway/test/helpers/database.js'
import { complaint, enrolEnterprise, gatewayWithRegulator } from '../../sdk/test/helpers/gateway.js'
import { loopbackProxy } from '../../sdk/test/helpers/loopback-proxy.js'
import { detectLocale, en, zh } from '../src/i18n/index.js'
import { runCli } from './helpers/cli.js'

const chinese = { LANG: 'zh_CN.UTF-8' }
const english = { LANG: 'C' }
const overridden = { LANG: 'zh_CN.UTF-8', HEJIE_LANG: 'en' }

/** Runs `hejie` to its end: its exit code and what it wrote. */
async function run(t: Parameters<typeof runCli>[0], args: string[], env: Record<string, string>) {
  const cli = runCli(t, args, env)
  const { code } = await cli.exited
  return { code, stdout: cli.stdout.join('\n'), stderr: cli.stderr.join('\n') }
}

t.test('the locale is HEJIE_LANG, else LC_ALL, LC_MESSAGES and LANG in that order', async (t) => {
  t.equal(detectLocale({}), 'en', 'unset')
  for (const lang of ['zh_CN.UTF-8', 'zh_TW', 'zh', 'zh_CN', 'zh-Hans'])
    t.equal(detectLocale({ LANG: lang }), 'zh', lang)
  for (const lang of ['C', 'POSIX', 'C.UTF-8', 'en_US.UTF-8', 'en_GB', 'fr_FR.UTF-8', 'zhx'])
    t.equal(detectLocale({ LANG: lang }), 'en', lang)
  t.equal(detectLocale({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }), 'en', 'LC_ALL before LANG')
  t.equal(detectLocale({ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'C' }), 'zh', 'LC_MESSAGES before LANG')
  t.equal(detectLocale({ LC_ALL: 'zh_CN.UTF-8', LC_MESSAGES: 'C' }), 'zh', 'LC_ALL before LC_MESSAGES')
  t.equal(detectLocale({ LC_ALL: '', LANG: 'zh_CN.UTF-8' }), 'zh', 'an empty variable is unset')
  t.equal(detectLocale({ HEJIE_LANG: 'en', LC_ALL: 'zh_CN.UTF-8' }), 'en', 'HEJIE_LANG first')
  t.equal(detectLocale({ HEJIE_LANG: 'zh', LANG: 'C' }), 'zh')
})

t.test(
  'every key of the English catalogue is in the Chinese one, with the same placeholders, and back',
  async (t) => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort()
    t.same(Object.keys(zh).sort(), Object.keys(en).sort())
    for (const [key, text] of Object.entries(en)) {
      const translated = (zh as Record<string, string>)[key] ?? ''
      t.ok(translated.trim(), `${key} is translated`)
      t.same(placeholders(translated), placeholders(text), `${key} has the same placeholders`)
    }
  },
)

t.test('the help of the program and of disputes list is in Chinese for a Chinese locale', async (t) => {
  for (const args of [['--help'], ['disputes', 'list', '--help']]) {
    const zhHelp = await run(t, args, chinese)
    const enHelp = await run(t, args, english)
    const override = await run(t, args, overridden)
    t.equal(zhHelp.code, 0)
    t.equal(enHelp.code, 0)
    t.equal(override.stdout, enHelp.stdout, 'HEJIE_LANG=en overrides a Chinese LANG')
    t.match(zhHelp.stdout, /^用法： hejie/m)
    t.match(zhHelp.stdout, /^选项：$/m)
    t.match(zhHelp.stdout, /显示命令帮助/)
    t.match(enHelp.stdout, /^Usage: hejie/m)
    t.match(enHelp.stdout, /^Options:$/m)
    t.notMatch(enHelp.stdout, /用法|选项|显示命令帮助/, 'none of the Chinese help in the English one')
    if (args.length === 1) {
      t.match(zhHelp.stdout, /^命令：$/m)
      t.match(zhHelp.stdout, /disputes\s+查看分派给您的纠纷；监管部门：受理投诉并分派/)
      t.match(zhHelp.stdout, /退出码：0 完成；1 用法错误或 API 错误；2 未登录或凭据被拒绝/)
      t.match(enHelp.stdout, /Start with `hejie login`\. Exit codes: 0 done/)
    } else {
      t.match(zhHelp.stdout, /--overdue\s+只列出已超过期限仍未答复或未和解的纠纷/)
      t.match(zhHelp.stdout, /^ {2}in_progress {2}已受理，请与消费者协商和解$/m, 'statuses stay API values')
      t.match(enHelp.stdout, /^ {2}in_progress {2}accepted; settle with the consumer$/m)
    }
  }
})

t.test('not logged in: the error and its hint in the locale, the exit code in every locale', async (t) => {
  const zhRun = await run(t, ['disputes', 'list'], chinese)
  const enRun = await run(t, ['disputes', 'list'], english)
  const override = await run(t, ['disputes', 'list'], overridden)
  t.same([zhRun.code, enRun.code, override.code], [2, 2, 2])
  t.equal(zhRun.stderr, 'hejie: 尚未登录：请先运行 `hejie login`。')
  t.equal(enRun.stderr, 'hejie: Not logged in: run `hejie login` first.')
  t.equal(override.stderr, enRun.stderr)
})

t.test(
  `tables, the sandbox clock and the audit report read in the locale; JSON does not change (${backend})`,
  async (t) => {
    const database = await freshDatabase(t, { clock: new OffsetClock() })
    const { baseUrl, regulator, regulatorCredentials } = await gatewayWithRegulator(t, {
      database,
      config: { sandbox: true },
    })
    const shop = await enrolEnterprise(regulator, '上海优选网络科技有限公司')
    const first = await regulator.disputes.create(complaint(shop.enterprise.id))
    await regulator.disputes.create(complaint(shop.enterprise.id))
    const asShop = {
      HEJIE_BASE_URL: baseUrl,
      HEJIE_CLIENT_ID: shop.credentials.clientId,
      HEJIE_CLIENT_SECRET: shop.credentials.clientSecret,
    }

    const zhList = await run(t, ['disputes', 'list'], { ...asShop, ...chinese })
    const enList = await run(t, ['disputes', 'list'], { ...asShop, ...english })
    const overrideList = await run(t, ['disputes', 'list'], { ...asShop, ...overridden })
    t.equal(zhList.code, 0, zhList.stderr)
    const zhLines = zhList.stdout.split('\n')
    t.match(zhLines[0], /^编号\s+状态\s+答复期限\s+超期\s+消费者\s+问题类型\s+诉求金额\s+受理工单$/)
    t.match(
      enList.stdout.split('\n')[0],
      /^ID\s+STATUS\s+RESPOND BY\s+OVERDUE\s+CONSUMER\s+PROBLEM\s+CLAIM\s+INTAKE TICKET$/,
    )
    t.equal(overrideList.stdout, enList.stdout, 'HEJIE_LANG=en overrides a Chinese LANG')
    const column = (line: string, at: string) => stringWidth(line.slice(0, line.indexOf(at)))
    const status = zhLines[1]?.split(/\s{2,}/)[1] ?? ''
    t.equal(status, 'assigned', 'statuses stay API values')
    t.equal(
      column(zhLines[1] ?? '', status),
      column(zhLines[0] ?? '', '状态'),
      'the columns line up by display width',
    )
    t.same(
      zhLines.slice(1).map((line) => line.split(/\s+/)[0]),
      enList.stdout
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/)[0]),
      'the same ids in the same order',
    )

    for (const args of [
      ['disputes', 'list', '--json'],
      ['disputes', 'show', first.id, '--json', '--records'],
    ]) {
      const zhJson = await run(t, args, { ...asShop, ...chinese })
      const enJson = await run(t, args, { ...asShop, ...english })
      t.equal(zhJson.code, enJson.code)
      t.equal(zhJson.stdout, enJson.stdout, `${args.join(' ')} prints the same bytes in both locales`)
    }

    const zhClock = await run(t, ['sandbox', 'clock'], { ...asShop, ...chinese })
    const enClock = await run(t, ['sandbox', 'clock'], { ...asShop, ...english })
    const overrideClock = await run(t, ['sandbox', 'clock'], { ...asShop, ...overridden })
    t.match(
      zhClock.stdout,
      /^沙箱时钟：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（Asia\/Shanghai），与实际时间一致（未曾调整）$/,
    )
    t.match(
      enClock.stdout,
      /^Sandbox clock: \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Asia\/Shanghai\), real time \(never moved\)$/,
    )
    t.match(overrideClock.stdout, /^Sandbox clock: /)
    const advanced = await run(t, ['sandbox', 'clock', 'advance', '3wd'], { ...asShop, ...chinese })
    t.match(advanced.stdout, /^沙箱时钟：.*，比实际时间快 \d+\.\d (?:天|小时)$/)

    const dir = mkdtempSync(join(tmpdir(), 'hejie-locale-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const bundle = join(dir, 'bundle.ndjson')
    const asRegulator = {
      HEJIE_BASE_URL: baseUrl,
      HEJIE_CLIENT_ID: regulatorCredentials.clientId,
      HEJIE_CLIENT_SECRET: regulatorCredentials.clientSecret,
    }
    const exported = await run(t, ['audit', 'export', '-o', bundle], { ...asRegulator, ...chinese })
    t.equal(exported.code, 0, exported.stderr)
    t.match(exported.stdout, /^\d+ 个条目（\d+ 字节）已写入 /)
    const zhVerify = await run(t, ['audit', 'verify', bundle], chinese)
    const enVerify = await run(t, ['audit', 'verify', bundle], english)
    const overrideVerify = await run(t, ['audit', 'verify', bundle], overridden)
    t.same([zhVerify.code, enVerify.code, overrideVerify.code], [0, 0, 0])
    t.match(zhVerify.stdout, /^结果\s+核验通过$/m)
    t.match(zhVerify.stdout, /^条目\s+(\d+) 条中 \1 条核验通过$/m)
    t.match(zhVerify.stdout, /^签名\s+通过：.*（使用导出包自带的密钥）$/m)
    t.match(zhVerify.stdout, /导出包仅依据其自身内容和自带的密钥核验/)
    t.match(enVerify.stdout, /^Result\s+VERIFIED$/m)
    t.match(enVerify.stdout, /^Entries\s+(\d+) of \1 verified$/m)
    t.equal(overrideVerify.stdout, enVerify.stdout)
    const zhReport = await run(t, ['audit', 'verify', '--json', bundle], chinese)
    const enReport = await run(t, ['audit', 'verify', '--json', bundle], english)
    t.equal(zhReport.stdout, enReport.stdout, 'the JSON report is the same bytes in both locales')
  },
)

t.test(`every request carries Accept-Language in the reader's language (${backend})`, async (t) => {
  const { baseUrl, regulator } = await gatewayWithRegulator(t)
  const proxy = await loopbackProxy(t, baseUrl)
  const shop = await enrolEnterprise(regulator, '深圳鹏城数码有限公司')
  const env = {
    HEJIE_BASE_URL: proxy.baseUrl,
    HEJIE_CLIENT_ID: shop.credentials.clientId,
    HEJIE_CLIENT_SECRET: shop.credentials.clientSecret,
  }
  const seen = async (locale: Record<string, string>) => {
    proxy.requests.length = 0
    const listed = await run(t, ['disputes', 'list'], { ...env, ...locale })
    t.equal(listed.code, 0, listed.stderr)
    return proxy.requests.map(
      (request) => `${request.method} ${request.path.split('?')[0]} ${request.headers['accept-language']}`,
    )
  }
  t.same(await seen(chinese), ['POST /v1/oauth/token zh-CN', 'GET /v1/disputes zh-CN'])
  t.same(await seen(english), ['POST /v1/oauth/token en', 'GET /v1/disputes en'])
  t.same(await seen(overridden), ['POST /v1/oauth/token en', 'GET /v1/disputes en'])
})
