import { readFileSync } from 'node:fs'
import t from 'tap'
import {
  checkAccessibility,
  consoleGateway,
  openConsole,
  screenshot,
  signIn,
} from '../helpers/console-browser.js'
import { backend } from '../helpers/database.js'
import { complaintAbout } from '../helpers/dispatch.js'
import { intakeDispute } from '../helpers/disputes.js'
import { fakeFile } from '../helpers/files.js'
import { accessToken, as, enrolEnterprise } from '../helpers/identity.js'
import { startReceiver } from '../helpers/receiver.js'

/** The form of one action on the dispute page: a disclosure whose summary names it. */
function action(page: import('playwright-core').Page, title: string) {
  return page
    .locator('details.action')
    .filter({ has: page.locator('summary', { hasText: new RegExp(`^${title}$`) }) })
}

t.test(
  `a dispatcher assigns a routed complaint from the dispatch queue with one click (${backend})`,
  async (t) => {
    const started = Date.now()
    const { app, base, demo, regulatorToken } = await consoleGateway(t)
    const respondent = '北京新街口餐饮管理有限公司'
    const intake = await as(
      app,
      regulatorToken,
    )({
      method: 'POST',
      url: '/v1/disputes',
      payload: complaintAbout(
        { name: respondent, address: '北京市西城区新街口北大街 21 号' },
        {
          problem_type: 'food_safety',
          category: '餐饮服务',
          claim: {
            description: '堂食后出现腹泻，怀疑菜品变质，要求退还餐费并赔偿医药费。',
            demands: ['refund', 'compensation'],
            amount: { amount: 36800, currency: 'CNY' },
          },
        },
      ),
    })
    t.equal(intake.statusCode, 201, intake.body)
    const dispute = intake.json()
    t.equal(dispute.routing.matched_by, 'fallback', 'no enterprise matched at intake: it waits at the centre')
    // The restaurant joins the ODR programme afterwards: the dispatcher would now match it by name.
    const restaurant = await enrolEnterprise(app, regulatorToken, respondent)

    const { page, problems } = await openConsole(t)
    await signIn(page, base, demo.regulator)
    await page.getByRole('link', { name: '分派队列' }).click()
    const card = page.locator('article', { hasText: dispute.external_ref })
    await card.getByText('名称匹配').waitFor()
    t.ok(await card.getByText('理由').count(), 'the suggestion comes with its explanation')
    await checkAccessibility(t, page, 'the dispatch queue')
    await screenshot(page, 'console-dispatch.png')

    await card.getByRole('button', { name: `分派给 企业 · ${respondent}` }).click()
    await page.getByText(`已分派给 企业 · ${respondent}。`).waitFor()
    const after = (await as(app, regulatorToken)({ url: `/v1/disputes/${dispute.id}` })).json()
    t.same(
      after.assignee,
      { type: 'enterprise', id: restaurant.id },
      'the dispute went to the suggested enterprise',
    )
    t.equal(after.status, 'assigned')
    t.ok(after.respond_by, 'and its deadline started')
    t.same(problems, [], 'no script error, nothing refused by the CSP')
    t.comment(`dispatch: ${Date.now() - started} ms`)
  },
)

t.test(
  `the centre's own client dispatches a waiting complaint to a station's unit by its id, and the unit finds it in its queue (${backend})`,
  async (t) => {
    const { app, base, demo, regulatorToken } = await consoleGateway(t)
    const intake = await as(
      app,
      regulatorToken,
    )({
      method: 'POST',
      url: '/v1/disputes',
      payload: complaintAbout(
        { name: '卢沟桥某五金店' },
        { problem_type: 'measurement', category: '电子秤' },
      ),
    })
    t.equal(intake.statusCode, 201, intake.body)
    const dispute = intake.json()
    const { centre, station } = demo.dispatch

    const desk = await openConsole(t)
    await signIn(desk.page, base, centre)
    await desk.page.getByRole('link', { name: '分派队列' }).click()
    const card = desk.page.locator('article', { hasText: dispute.external_ref })
    // A centre's client may assign but not list the directory: it types the id.
    await card.getByLabel('承办方编号').fill(station.unitId)
    await card.getByRole('button', { name: '分派', exact: true }).click()
    await desk.page.getByText(`已分派给 ${station.unitId}。`).waitFor()
    await checkAccessibility(t, desk.page, 'the centre’s dispatch queue')
    const after = (await as(app, regulatorToken)({ url: `/v1/disputes/${dispute.id}` })).json()
    t.same(after.assignee, { type: 'unit', id: station.unitId }, 'the station’s unit holds it')

    const unit = await openConsole(t)
    await signIn(unit.page, base, station)
    await unit.page.getByRole('link', { name: dispute.external_ref }).waitFor()
    await checkAccessibility(t, unit.page, 'a unit’s queue')
    t.same([...desk.problems, ...unit.problems], [], 'no script error, nothing refused by the CSP')
  },
)

t.test(
  `an enterprise accepts, settles with a recording attached, asks the consumer to confirm, refunds with a receipt it previews, and reports the outcome (${backend})`,
  async (t) => {
    const started = Date.now()
    const { app, base, demo, regulatorToken } = await consoleGateway(t)
    const dispute = await intakeDispute(app, regulatorToken, demo.enterprise.enterpriseId, {
      category: '网络服务 / 视频会员',
      claim: {
        description: '年度会员无法观看购买时承诺的影片，要求退还未使用部分的会员费。',
        demands: ['refund'],
        amount: { amount: 2700, currency: 'CNY' },
      },
    })

    const { page, problems } = await openConsole(t)
    await signIn(page, base, demo.enterprise)
    await page.getByRole('heading', { name: '待办队列' }).waitFor()
    await page.getByRole('link', { name: dispute.external_ref }).waitFor()
    await checkAccessibility(t, page, 'the enterprise queue')
    await screenshot(page, 'console-enterprise-queue.png')

    await page.getByRole('link', { name: dispute.external_ref }).click()
    await action(page, '受理').getByRole('button', { name: '受理' }).click()
    await page.getByText('操作成功：受理').waitFor()

    const settle = action(page, '记录和解')
    await settle.locator('summary').click()
    await settle.getByLabel('和解方式').selectOption({ label: '部分退款' })
    await settle.getByLabel('和解金额（元）').fill('27.00')
    await settle.getByLabel('和解内容').fill('退还年度会员未使用部分的费用 27.00 元，三个工作日内原路退回。')
    await settle.getByLabel('消费者同意方式').selectOption({ label: '电话录音' })
    await settle.getByLabel('同意凭据编号').fill('REC-20261207-0042')
    await settle.getByLabel('证据文件').setInputFiles({
      name: '通话录音.amr',
      mimeType: 'audio/amr',
      buffer: fakeFile('amr', 8192),
    })
    await settle.getByRole('button', { name: '记录和解' }).click()
    await page.getByText('操作成功：记录和解').waitFor()
    await page.getByText('通话录音.amr').first().waitFor()
    await checkAccessibility(t, page, 'a settled dispute')
    await screenshot(page, 'console-dispute.png')

    const confirmation = action(page, '请消费者确认')
    await confirmation.locator('summary').click()
    await confirmation.getByRole('button', { name: '请消费者确认' }).click()
    await confirmation.getByText('验证码只显示这一次').waitFor()
    const code = await confirmation.locator('dd code').nth(1).textContent()
    t.match(code, /^\d{6}$/, 'the 6-digit code is shown once, with the link')
    t.match(await confirmation.locator('dd code').first().textContent(), `${base}/c/`)

    const refund = action(page, '记录退款')
    await refund.locator('summary').click()
    await refund.getByLabel('退款金额（元）').fill('27.00')
    await refund.getByLabel('退款方式').selectOption({ label: '原路退回' })
    await refund.getByLabel('退款流水号').fill('WX-REFUND-7731')
    await refund.getByLabel('证据文件').setInputFiles({
      name: '退款凭证.png',
      mimeType: 'image/png',
      buffer: fakeFile('png', 4096),
    })
    await refund.getByRole('button', { name: '记录退款' }).click()
    await page.getByText('操作成功：记录退款').waitFor()
    await page.getByRole('button', { name: '预览 退款凭证.png' }).click()
    const preview = page.getByRole('img', { name: '退款凭证.png' })
    await preview.waitFor()
    t.match(
      await preview.getAttribute('src'),
      /^blob:/,
      'the receipt is previewed from the content fetched with the token',
    )

    const outcome = action(page, '报告结果')
    await outcome.locator('summary').click()
    await outcome.getByLabel('结果').selectOption({ label: '已履行' })
    await outcome.getByLabel('经过摘要').fill('已按和解协议退款，消费者电话确认收到。')
    await outcome.getByRole('button', { name: '报告结果' }).click()
    await page.getByText('操作成功：报告结果').waitFor()
    await page.locator('.badge-closed').first().waitFor()

    const regulator = as(app, regulatorToken)
    const closed = (await regulator({ url: `/v1/disputes/${dispute.id}` })).json()
    t.match(closed, { status: 'closed', resolution: 'settled', refunded: { amount: 2700, currency: 'CNY' } })
    const [settlement] = (await regulator({ url: `/v1/disputes/${dispute.id}/settlements` })).json().data
    t.match(settlement, { remedy: 'partial_refund', amount: { amount: 2700 } })
    t.equal(settlement.evidence.length, 1, 'the recording is the settlement’s evidence')
    const file = (await regulator({ url: `/v1/files/${settlement.evidence[0]}` })).json()
    t.match(file, {
      filename: '通话录音.amr',
      purpose: 'consent_record',
      content_type: 'audio/amr',
      size: 8192,
    })
    t.same(problems, [], 'no script error, nothing refused by the CSP')
    t.comment(`enterprise handling: ${Date.now() - started} ms`)
  },
)

/** As the dashboard formats them (components/format.ts), so the page can be compared with the API. */
const shown = {
  count: (n: number) => String(n),
  rate: (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`),
  hours: (h: number | null) => (h === null ? '—' : h.toFixed(1)),
  yuan: (m: { amount: number }) => `${(m.amount / 100).toFixed(2)} 元`,
}

t.test(
  `the dashboard shows exactly the numbers of /v1/stats for the chosen period (${backend})`,
  async (t) => {
    const started = Date.now()
    const { app, base, demo, regulatorToken } = await consoleGateway(t)
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    const from = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`
    const end = new Date(`${today}T00:00:00+08:00`)
    end.setUTCDate(end.getUTCDate() + 1)
    const window = { from: new Date(`${from}T00:00:00+08:00`).toISOString(), to: end.toISOString() }

    const { page, problems } = await openConsole(t)
    await signIn(page, base, demo.regulator)
    await page.goto(`${base}/console/dashboard?from=${from}&to=${today}`)
    await page.locator('[data-indicator="received"]').waitFor()
    await page.locator('.chart canvas').first().waitFor()

    const stats = (
      await as(
        app,
        regulatorToken,
      )({ url: `/v1/stats?from=${encodeURIComponent(window.from)}&to=${encodeURIComponent(window.to)}` })
    ).json().data[0]
    t.ok(stats.received > 0, 'the period holds disputes')
    const wanted: Record<string, string> = {
      received: shown.count(stats.received),
      settled: shown.count(stats.settled),
      overdue: shown.count(stats.overdue),
      urged: shown.count(stats.urged),
      settlement_rate: shown.rate(stats.settlement_rate),
      on_time_rate: shown.rate(stats.on_time_rate),
      response_rate: shown.rate(stats.response_rate),
      satisfaction_rate: shown.rate(stats.satisfaction_rate),
      avg_handling_hours: shown.hours(stats.avg_handling_hours),
      refunded: shown.yuan(stats.refunded),
    }
    for (const [indicator, text] of Object.entries(wanted)) {
      t.equal(await page.locator(`[data-indicator="${indicator}"]`).textContent(), text, indicator)
    }
    const monthly = (
      await as(
        app,
        regulatorToken,
      )({
        url: `/v1/stats?group_by=month&from=${encodeURIComponent(window.from)}&to=${encodeURIComponent(window.to)}`,
      })
    ).json().data as { group: string; received: number }[]
    for (const month of monthly) {
      const row = page.locator('tr', { has: page.locator('td', { hasText: new RegExp(`^${month.group}$`) }) })
      t.equal(
        await row.locator('td').nth(1).textContent(),
        String(month.received),
        `received in ${month.group}`,
      )
    }
    await checkAccessibility(t, page, 'the dashboard')
    await screenshot(page, 'console-dashboard.png')
    t.same(problems, [], 'no script error, nothing refused by the CSP')
    t.comment(`dashboard: ${Date.now() - started} ms`)
  },
)

t.test(
  `a supervisor urges a dispute and the enterprise sees it in its queue and timeline (${backend})`,
  async (t) => {
    const started = Date.now()
    const { app, base, demo, regulatorToken } = await consoleGateway(t)
    const dispute = await intakeDispute(app, regulatorToken, demo.enterprise.enterpriseId)

    const supervisor = await openConsole(t)
    await signIn(supervisor.page, base, demo.regulator)
    await supervisor.page.goto(`${base}/console/disputes/${dispute.id}`)
    const urge = action(supervisor.page, '督办')
    await urge.locator('summary').click()
    await urge.getByLabel('督办意见').fill('请于两个工作日内联系消费者并反馈处理进度。')
    await urge.getByRole('button', { name: '督办' }).click()
    await supervisor.page.getByText('操作成功：督办').waitFor()
    await checkAccessibility(t, supervisor.page, 'the bureau’s dispute page')

    const desk = await openConsole(t)
    await signIn(desk.page, base, demo.enterprise)
    const row = desk.page.locator('tr', { has: desk.page.getByRole('link', { name: dispute.external_ref }) })
    await row.getByText('已督办 1 次').waitFor()
    await row.getByRole('link', { name: dispute.external_ref }).click()
    await desk.page.getByText('请于两个工作日内联系消费者并反馈处理进度。').waitFor()
    t.ok(
      await desk.page.locator('td', { hasText: /^督办$/ }).count(),
      'the urge is in the enterprise’s timeline',
    )
    t.same([...supervisor.problems, ...desk.problems], [], 'no script error, nothing refused by the CSP')
    t.comment(`urge: ${Date.now() - started} ms`)
  },
)

t.test(
  `an enterprise that edits the URL to another enterprise's dispute sees not found (${backend})`,
  async (t) => {
    const { app, base, demo, regulatorToken } = await consoleGateway(t)
    const theirs = await intakeDispute(app, regulatorToken, demo.enterprise.enterpriseId)
    const other = await enrolEnterprise(app, regulatorToken, '北京另一家电商有限公司')

    const { page, problems } = await openConsole(t)
    await signIn(page, base, other.credentials)
    await page.goto(`${base}/console/disputes/${theirs.id}`)
    await page.getByRole('heading', { name: '未找到' }).waitFor()
    t.notOk(await page.getByText(theirs.external_ref).count(), 'nothing of the dispute is shown')
    t.notOk(await page.getByText(theirs.consumer.name).count(), 'least of all the consumer')
    await checkAccessibility(t, page, 'the not-found page')
    t.same(problems, [], 'no script error, nothing refused by the CSP')
  },
)

t.test(
  `the sign-in page, the search and its CSV, enterprises, units and the bundle page pass the accessibility check, in Chinese and in English (${backend})`,
  async (t) => {
    const { base, demo } = await consoleGateway(t)
    const { page, problems } = await openConsole(t)
    await page.goto(`${base}/console`)
    await page.getByRole('heading', { name: '登录控制台' }).waitFor()
    await checkAccessibility(t, page, 'the sign-in page')
    await signIn(page, base, demo.regulator)
    for (const [link, ready] of [
      ['纠纷查询', 'tbody tr a'],
      ['ODR 企业', 'tbody tr a'],
      ['承办单位与分拨规则', 'tbody tr td'],
      ['审计包核验', 'input[type="file"]'],
    ] as const) {
      await page.getByRole('link', { name: link }).click()
      await page.locator(ready).first().waitFor()
      await checkAccessibility(t, page, link)
    }
    await page.getByRole('link', { name: 'ODR 企业' }).click()
    await page.locator('tbody tr a').first().click()
    await page.locator('[data-indicator="received"]').waitFor()
    await checkAccessibility(t, page, 'an enterprise')

    await page.getByRole('link', { name: '纠纷查询' }).click()
    await page.locator('tbody tr a').first().waitFor()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 CSV' }).click(),
    ])
    const csv = readFileSync(await download.path())
    t.equal(csv.subarray(0, 3).toString('hex'), 'efbbbf', 'the CSV starts with a BOM, for Excel and WPS')
    t.ok(csv.toString('utf8').split('\n').length > 2, 'and holds the register')

    await page.getByRole('button', { name: 'Switch the console to English' }).click()
    await page.getByRole('heading', { name: 'Disputes', level: 1 }).waitFor()
    t.equal(await page.locator('html').getAttribute('lang'), 'en', 'the page says its language')
    t.match(page.url(), /[?&]lang=en/, 'and keeps it in the address, not in storage')
    await checkAccessibility(t, page, 'the disputes in English')
    await page.getByRole('button', { name: '切换为中文' }).click()
    await page.getByRole('heading', { name: '纠纷查询', level: 1 }).waitFor()

    await page.getByRole('button', { name: '退出登录' }).click()
    await page.getByText('您已安全退出。').waitFor()
    await page.reload()
    await page.getByRole('heading', { name: '登录控制台' }).waitFor()
    t.pass('after signing out, a reload shows the sign-in page again')
    t.same(problems, [], 'no script error, nothing refused by the CSP')
  },
)

t.test(
  `an enterprise reads its webhook deliveries and retries a failing one from the console (${backend})`,
  async (t) => {
    const { app, base, regulatorToken } = await consoleGateway(t, { webhookAllowPrivateTargets: true })
    const shop = await enrolEnterprise(app, regulatorToken, '北京某生鲜电商有限公司')
    let repaired = false
    const receiver = await startReceiver(t, () => ({
      status: repaired ? 200 : 500,
      body: repaired ? 'ok' : 'down',
    }))
    const desk = as(app, shop.token)
    const endpoint = await desk({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: receiver.url, event_types: ['*'], description: '客服系统' },
    })
    t.equal(endpoint.statusCode, 201, endpoint.body)
    t.equal(
      (await desk({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.json().id}/test` })).statusCode,
      202,
    )
    await receiver.waitFor((received) => received.length >= 2)

    const { page, problems } = await openConsole(t)
    await signIn(page, base, shop.credentials)
    await page.getByRole('link', { name: '本单位指标' }).click()
    await page.locator('[data-indicator="received"]').waitFor()
    await checkAccessibility(t, page, 'the enterprise’s indicators')
    await page.getByRole('link', { name: '事件推送' }).click()
    await page.getByRole('link', { name: receiver.url }).waitFor()
    await checkAccessibility(t, page, 'the enterprise’s webhook endpoints')
    await page.getByRole('link', { name: receiver.url }).click()
    const row = page.locator('tbody tr').first()
    await row.getByText('500').waitFor()
    await checkAccessibility(t, page, 'an endpoint’s deliveries')

    repaired = true
    await row.getByRole('button', { name: /^重新投递/ }).click()
    await page.getByText('已安排重新投递。').waitFor()
    await receiver.waitFor((received) => received.length >= 3)
    await page.reload()
    await page.locator('tbody tr').first().getByText('成功').waitFor()
    t.pass('the delivery succeeded once retried')
    t.same(problems, [], 'no script error, nothing refused by the CSP')
  },
)

t.test(
  `a signed-in page keeps nothing in browser storage, and revoking the client ends its session at once (${backend})`,
  async (t) => {
    const { app, base, regulatorToken } = await consoleGateway(t)
    const shop = await enrolEnterprise(app, regulatorToken, '北京某家电维修服务有限公司')
    const { page, problems } = await openConsole(t)
    await signIn(page, base, shop.credentials)
    await page.getByRole('heading', { name: '待办队列' }).waitFor()
    // Signed in and working: the secret, the tokens and the session cookie are nowhere a
    // script in the page could read them.
    const stored = await page.evaluate(
      '({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), cookie: document.cookie })',
    )
    t.same(
      stored,
      { local: '{}', session: '{}', cookie: '' },
      'nothing in local or session storage, no readable cookie',
    )

    const regulator = as(app, regulatorToken)
    const [client] = (await regulator({ url: `/v1/enterprises/${shop.id}/clients` })).json().data
    const revoked = await regulator({ method: 'DELETE', url: `/v1/clients/${client.id}` })
    t.equal(revoked.statusCode, 200, revoked.body)

    // A revoked client's tokens stop working within seconds (docs/authentication.md): the
    // page's next call after that is refused, and the session with it.
    const ended = page.getByText('会话已结束（已超时或凭据已被吊销），请重新登录。')
    const deadline = Date.now() + 15_000
    for (let i = 0; !(await ended.isVisible()); i++) {
      if (Date.now() > deadline) throw new Error('the page still works 15 s after the revocation')
      // The menu may vanish under the click as the page returns to sign-in.
      await page
        .getByRole('link', { name: i % 2 ? '待办队列' : '本单位指标' })
        .click({ timeout: 1000 })
        .catch(() => undefined)
      await page.waitForTimeout(500)
    }
    t.ok(await page.getByRole('heading', { name: '登录控制台' }).count(), 'the page is back at sign-in')
    await page.reload()
    await page.getByRole('heading', { name: '登录控制台' }).waitFor()
    t.pass('and a reload does not bring the session back')
    t.same(problems, [], 'no script error, nothing refused by the CSP')
  },
)

t.test(
  `each timeline entry verifies in the page, and an entry altered in the database shows failed verification (${backend})`,
  async (t) => {
    const { app, base, database, demo, regulatorToken } = await consoleGateway(t)
    const dispute = await intakeDispute(app, regulatorToken, demo.enterprise.enterpriseId)
    const accepted = await as(
      app,
      await accessToken(app, demo.enterprise),
    )({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/accept`,
      payload: { note: '已联系消费者，正在核实。' },
    })
    t.equal(accepted.statusCode, 200, accepted.body)

    const { page, problems } = await openConsole(t)
    await signIn(page, base, demo.regulator)
    await page.goto(`${base}/console/disputes/${dispute.id}`)
    const timeline = page.locator('section', { has: page.getByRole('heading', { name: '办理过程' }) })
    const verifyAll = async () => {
      await timeline.getByRole('button', { name: '核验全部记录' }).click()
      await timeline.locator('[data-verdict]').first().waitFor()
      await page.waitForFunction('!document.body.textContent.includes("核验中…")')
      return timeline.locator('tbody tr').count()
    }
    const rows = await verifyAll()
    t.equal(rows, 2, 'intake and acceptance')
    t.equal(await timeline.locator('[data-verdict="ok"]').count(), rows, 'every entry verifies: green marks')

    // The acceptance's audit entry altered where it is stored, its bytes still valid JSON.
    const lines = (await as(app, regulatorToken)({ url: `/v1/disputes/${dispute.id}/timeline` })).json().data
    const acceptance = lines.find((line: { action: string }) => line.action === 'dispute.accepted')
    const stored = await database.db
      .selectFrom('audit_entries')
      .select('canonical')
      .where('leaf_index', '=', acceptance.audit_index)
      .executeTakeFirstOrThrow()
    const altered = Buffer.from(stored.canonical)
      .toString('utf8')
      .replace('"request_id":"', '"request_id":"x')
    t.not(altered, Buffer.from(stored.canonical).toString('utf8'), 'the bytes changed')
    await database.db
      .updateTable('audit_entries')
      .set({ canonical: new Uint8Array(Buffer.from(altered)) })
      .where('leaf_index', '=', acceptance.audit_index)
      .execute()

    await page.reload()
    await verifyAll()
    const acceptanceRow = timeline.locator('tr', { has: page.locator('td', { hasText: /^企业受理$/ }) })
    t.equal(
      await acceptanceRow.locator('[data-verdict]').getAttribute('data-verdict'),
      'failed',
      'the altered entry fails',
    )
    t.ok(await acceptanceRow.getByText('核验失败').count(), 'and says so in words')
    t.equal(await timeline.locator('[data-verdict="ok"]').count(), 1, 'the intake entry still verifies')
    await checkAccessibility(t, page, 'a timeline with a failed verification')
    t.same(problems, [], 'no script error, nothing refused by the CSP')
  },
)

t.test(
  `an export bundle chosen from disk verifies in the page, and an altered one does not (${backend})`,
  async (t) => {
    const { app, base, demo, regulatorToken } = await consoleGateway(t)
    const exported = await as(app, regulatorToken)({ url: '/v1/audit/export' })
    t.equal(exported.statusCode, 200)
    const bundle = exported.body
    const entries = bundle
      .trim()
      .split('\n')
      .filter((line) => JSON.parse(line).type === 'entry').length

    const { page, problems } = await openConsole(t)
    await signIn(page, base, demo.regulator)
    await page.getByRole('link', { name: '审计包核验' }).click()
    const check = async (name: string, content: string) => {
      await page.getByLabel('审计包文件').setInputFiles({
        name,
        mimeType: 'application/x-ndjson',
        buffer: Buffer.from(content),
      })
      await page.getByRole('button', { name: '核验' }).click()
      await page.locator('[data-verdict]').waitFor()
      return page.locator('[data-verdict]').getAttribute('data-verdict')
    }
    t.equal(await check('hejie-audit.ndjson', bundle), 'ok', 'the bundle verifies')
    t.ok(
      await page.getByText(`审计包核验通过：${entries} 条记录。`).count(),
      `all ${entries} entries, said in words`,
    )
    await checkAccessibility(t, page, 'a verified bundle')

    // One entry's stored bytes altered: its leaf no longer hashes into the signed tree.
    const lines = bundle.trim().split('\n')
    const at = lines.findIndex((line) => JSON.parse(line).type === 'entry')
    const entry = JSON.parse(lines[at] ?? '{}')
    const bytes = Buffer.from(entry.canonical, 'base64')
      .toString('utf8')
      .replace('"request_id":"', '"request_id":"x')
    lines[at] = JSON.stringify({ ...entry, canonical: Buffer.from(bytes).toString('base64') })
    const altered = `${lines.join('\n')}\n`
    t.not(altered, bundle)
    t.equal(await check('hejie-audit-altered.ndjson', altered), 'failed', 'the altered bundle fails')
    t.ok(await page.getByText('审计包核验失败').count(), 'and says so')
    t.same(problems, [], 'no script error, nothing refused by the CSP')
  },
)

t.test(`the console's first load is under 300 KB of compressed JavaScript (${backend})`, async (t) => {
  const { base } = await consoleGateway(t)
  const { page } = await openConsole(t)
  const scripts: Promise<number>[] = []
  page.on('requestfinished', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.sizes().then((s) => s.responseBodySize))
  })
  await page.goto(`${base}/console`, { waitUntil: 'networkidle' })
  const bytes = (await Promise.all(scripts)).reduce((sum, size) => sum + size, 0)
  t.ok(scripts.length > 0, 'the page loads its script')
  t.ok(bytes < 300 * 1024, `${bytes} bytes < 300 KB`)
  t.comment(
    `first load: ${(bytes / 1024).toFixed(1)} KiB of compressed JavaScript in ${scripts.length} file(s)`,
  )
})
