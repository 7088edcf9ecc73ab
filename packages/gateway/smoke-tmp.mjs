import { chromium } from 'playwright-core'
const [,, clientId, secret, ...paths] = process.argv
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
page.on('console', (m) => console.log('console:', m.type(), m.text()))
page.on('pageerror', (e) => console.log('pageerror:', e.message))
page.on('response', (r) => { if (r.status() >= 400) console.log('http', r.status(), r.url()) })
await page.goto('http://127.0.0.1:3000/console')
await page.getByLabel('客户端 ID').fill(clientId)
await page.getByLabel('客户端密钥').fill(secret)
await page.getByRole('button', { name: '登录' }).click()
await page.waitForTimeout(1500)
let i = 0
for (const p of paths) {
  await page.goto('http://127.0.0.1:3000/console' + p)
  await page.waitForTimeout(2500)
  await page.screenshot({ path: `/tmp/smoke/shot-${i++}.png`, fullPage: false })
  console.log('shot', p, await page.title())
}
await browser.close()
