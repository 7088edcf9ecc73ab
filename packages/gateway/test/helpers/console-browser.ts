import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import type { AxeResults } from 'axe-core'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import type { Test } from 'tap'
import type { Config } from '../../src/config.js'
import { seedDemo } from '../../src/demo/seed.js'
import { DEFAULT_CONSOLE_DIR } from '../../src/http/console/assets.js'
import { deadlinePolicyFrom } from '../../src/services/disputes/deadline-policy.js'
import { testApp } from './app.js'
import type { Credentials } from './identity.js'
import { accessToken } from './identity.js'

/** Debian's chromium; the tests never download a browser, and fail (never skip) without it. */
const CHROMIUM = process.env.HEJIE_CHROMIUM ?? '/usr/bin/chromium'
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
/** Screenshots of the console for its documentation, written by every run. */
const screenshotDir = new URL('../../../../docs/images/', import.meta.url)

type Tap = Test

let browser: Promise<Browser> | undefined

/** One browser per test file, closed when the process ends its tests. */
function sharedBrowser(t: Tap): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk`)
  }
  if (!browser) {
    browser = chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    const launched = browser
    t.teardown(async () => {
      if (browser === launched) browser = undefined
      await (await launched).close()
    })
  }
  return browser
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * A gateway listening on a real port, serving the built console, on a fresh database with
 * the demo's bureau, districts, units, enterprises and disputes in every state.
 */
export async function consoleGateway(t: Tap, config: Partial<Config> = {}) {
  if (!existsSync(new URL('index.html', `file://${DEFAULT_CONSOLE_DIR}/`))) {
    throw new Error(`the console is not built at ${DEFAULT_CONSOLE_DIR}: run pnpm run build`)
  }
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const gateway = await testApp(t, { config: { publicUrl: base, ...config } })
  const demo = await seedDemo(gateway.database, deadlinePolicyFrom(gateway.config))
  await gateway.app.listen({ port, host: '127.0.0.1' })
  const regulatorToken = await accessToken(gateway.app, demo.regulator)
  return { ...gateway, base, demo, regulatorToken }
}

export interface ConsolePage {
  page: Page
  context: BrowserContext
  /** Problems the page itself reported: script errors and CSP refusals. */
  problems: string[]
}

/** A desktop browser window in Chinese, as a 1366×768 office PC shows it. */
export async function openConsole(t: Tap): Promise<ConsolePage> {
  const context = await (await sharedBrowser(t)).newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  t.teardown(() => context.close())
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
      problems.push(message.text())
  })
  return { page, context, problems }
}

export async function signIn(page: Page, base: string, credentials: Credentials): Promise<void> {
  await page.goto(`${base}/console`)
  await page.getByLabel('客户端 ID').fill(credentials.clientId)
  await page.getByLabel('客户端密钥').fill(credentials.clientSecret)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByRole('navigation', { name: '主菜单' }).waitFor()
}

/** axe-core run in the page: no serious or critical WCAG 2.1 A/AA violation is allowed. */
export async function checkAccessibility(t: Tap, page: Page, what: string): Promise<void> {
  // Evaluated through the debugging protocol, which the page's CSP does not govern: an
  // injected <script> tag would be refused by script-src 'self', as it should be.
  await page.evaluate(axeSource)
  const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }
  const results = (await page.evaluate(`axe.run(document, ${JSON.stringify(options)})`)) as AxeResults
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  t.same(blocking, [], `${what}: no serious or critical accessibility violation`)
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true })
  // From the top of the page, as a user first sees it, wherever the test last clicked.
  await page.evaluate('scrollTo(0, 0)')
  writeFileSync(new URL(name, screenshotDir), await page.screenshot())
}
