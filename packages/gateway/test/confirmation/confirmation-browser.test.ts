import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { chromium } from 'playwright-core'
import { Webhook } from 'standardwebhooks'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { requestLink, settledDispute } from '../helpers/confirmation.js'
import { backend } from '../helpers/database.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { startReceiver } from '../helpers/receiver.js'

/** Debian's chromium; the test never downloads a browser, and fails (never skips) without it. */
const CHROMIUM = process.env.HEJIE_CHROMIUM ?? '/usr/bin/chromium'
/**
 * Screenshots go into the docs only when asked (`HEJIE_UPDATE_SCREENSHOTS=1`): the page shows
 * the settlement's time, so every run draws a slightly different picture.
 */
const screenshotDir = process.env.HEJIE_UPDATE_SCREENSHOTS
  ? new URL('../../../../docs/images/', import.meta.url)
  : undefined

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

t.test(
  `a consumer on a phone opens the link, enters the code and confirms; the webhook and the stats follow (${backend})`,
  async (t) => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk`)
    }
    const started = Date.now()
    const port = await freePort()
    const { app, database } = await testApp(t, {
      config: { publicUrl: `http://127.0.0.1:${port}`, webhookAllowPrivateTargets: true },
    })
    await app.listen({ port, host: '127.0.0.1' })
    const regulatorToken = await accessToken(app, await regulatorCredentials(database))
    const shop = await enrolEnterprise(app, regulatorToken, '北京某视频科技有限责任公司')
    const receiver = await startReceiver(t)
    const subscribed = await as(
      app,
      shop.token,
    )({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: receiver.url, event_types: ['settlement.confirmed'] },
    })
    t.equal(subscribed.statusCode, 201, subscribed.body)
    const { dispute } = await settledDispute(app, regulatorToken, shop, {
      terms: '退还年度会员未使用部分的费用 27.00 元，三个工作日内原路退回。',
    })
    const link = await requestLink(app, shop.token, dispute.id)

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    t.teardown(() => browser.close())
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    })
    const page = await context.newPage()

    const opened = await page.goto(link.url)
    t.equal(opened?.status(), 200)
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), '请输入验证码')
    t.notOk(await page.getByText('退还年度会员').count(), 'nothing of the settlement before the code')
    const codeShot = await page.screenshot({ fullPage: true })
    t.ok(codeShot.length > 10_000, 'the code step renders')

    await page.getByLabel('6 位验证码').fill(link.code)
    await page.getByRole('button', { name: '下一步' }).click()
    await page.getByRole('heading', { name: '请确认和解结果' }).waitFor()
    t.ok(await page.getByText('退还年度会员未使用部分的费用').count(), 'the settlement terms are shown')
    t.ok(await page.getByText('张*').count(), 'with the consumer’s name masked')
    await page.getByLabel('属实，我确认').check()
    await page.getByLabel('满意', { exact: true }).check()
    await page.getByLabel('补充说明（选填，最多 500 字）').fill('退款已到账，处理及时。')
    const decisionShot = await page.screenshot({ fullPage: true })

    await page.getByRole('button', { name: '提交' }).click()
    await page.getByRole('heading', { name: '感谢您的反馈' }).waitFor()
    t.ok(await page.getByText('您已确认和解结果。').count())

    await receiver.waitFor((received) => received.length >= 1)
    const [delivery] = receiver.received
    const event = new Webhook(subscribed.json().secret).verify(
      delivery?.body ?? '',
      Object.fromEntries(Object.entries(delivery?.headers ?? {}).map(([k, v]) => [k, String(v)])),
    ) as { type: string; data: { object: { consumer_confirmation: unknown } } }
    t.equal(event.type, 'settlement.confirmed', 'a real receiver gets settlement.confirmed, signed')
    t.match(event.data.object.consumer_confirmation, {
      decision: 'confirmed',
      rating: 'satisfied',
      comment: '退款已到账，处理及时。',
    })

    const stats = await as(app, regulatorToken)({ method: 'GET', url: '/v1/stats' })
    t.equal(stats.json().data[0].consumer_confirmed_rate, 1, 'the indicator counts the confirmation')
    t.equal(stats.json().data[0].consumer_satisfaction_rate, 1)

    const reopened = await page.goto(link.url)
    t.equal(reopened?.status(), 410)
    t.equal(
      await page.getByRole('heading', { level: 1 }).textContent(),
      '此链接已使用',
      'a used link says so',
    )

    if (screenshotDir) {
      mkdirSync(screenshotDir, { recursive: true })
      writeFileSync(new URL('confirmation-code.png', screenshotDir), codeShot)
      writeFileSync(new URL('confirmation-page.png', screenshotDir), decisionShot)
    }
    t.comment(`the consumer's path in the browser took ${Date.now() - started} ms`)
  },
)
