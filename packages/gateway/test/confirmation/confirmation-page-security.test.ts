import t from 'tap'
import { PAGE_LIMIT_PER_LINK } from '../../src/routes/confirmation-page.js'
import { memoryLogger, testApp } from '../helpers/app.js'
import { PageVisitor, requestLink, settledDispute } from '../helpers/confirmation.js'
import { backend, freshDatabase } from '../helpers/database.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

async function linkOnSettledDispute(
  t: { teardown(fn: () => unknown): void },
  settlement: Record<string, unknown> = {},
) {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const shop = await enrolEnterprise(app, regulatorToken, '北京某视频科技有限责任公司')
  const { dispute } = await settledDispute(app, regulatorToken, shop, settlement)
  const link = await requestLink(app, shop.token, dispute.id)
  return { app, database, dispute, link, enterprise: as(app, shop.token), regulatorToken }
}

/** A code that is not the link's. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

t.test(`five wrong codes void the link, and then the right code opens nothing (${backend})`, async (t) => {
  const { app, database, link, enterprise, dispute } = await linkOnSettledDispute(t)
  const visitor = new PageVisitor(app, link.path)
  await visitor.open()
  for (let attempt = 1; attempt <= 4; attempt++) {
    const res = await visitor.enterCode(wrong(link.code))
    t.equal(res.statusCode, 422, `wrong code ${attempt} is refused`)
    t.match(res.body, `还可以再试 ${5 - attempt} 次`)
    t.notMatch(res.body, /Refund of the unused/, 'and the settlement is not shown')
  }
  const fifth = await visitor.enterCode(wrong(link.code))
  t.equal(fifth.statusCode, 410)
  t.match(fifth.body, /此链接已失效/)
  const right = await visitor.enterCode(link.code)
  t.equal(right.statusCode, 410, 'the right code after the fifth wrong one opens nothing')
  t.equal((await visitor.open()).statusCode, 410)

  const row = await database.db
    .selectFrom('confirmation_requests')
    .selectAll()
    .where('id', '=', link.id)
    .executeTakeFirstOrThrow()
  t.match(row, { status: 'voided', failed_attempts: 5 })
  const timeline = await enterprise({ method: 'GET', url: `/v1/disputes/${dispute.id}/timeline` })
  t.ok(
    timeline.json().data.some((e: { action: string }) => e.action === 'confirmation.voided'),
    'the voiding is on the timeline',
  )
})

t.test(`an expired link shows the expired page and takes no code (${backend})`, async (t) => {
  const { app, database, link } = await linkOnSettledDispute(t)
  const visitor = new PageVisitor(app, link.path)
  await visitor.open()
  await database.db
    .updateTable('confirmation_requests')
    .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
    .where('id', '=', link.id)
    .execute()
  const page = await visitor.open()
  t.equal(page.statusCode, 410)
  t.match(page.body, /此链接已过期/)
  const res = await visitor.enterCode(link.code)
  t.equal(res.statusCode, 410)
  t.match(res.body, /此链接已过期/)
  const english = await visitor.open('?lang=en')
  t.match(english.body, /This link has expired/, 'in English when asked')
})

t.test(`a used link shows the used page and a second decision changes nothing (${backend})`, async (t) => {
  const { app, link, enterprise, dispute } = await linkOnSettledDispute(t)
  const visitor = new PageVisitor(app, link.path)
  await visitor.open()
  await visitor.enterCode(link.code)
  t.equal((await visitor.decide('confirmed', 'satisfied')).statusCode, 200)
  const again = await visitor.decide('rejected', 'dissatisfied')
  t.equal(again.statusCode, 410)
  t.match(again.body, /此链接已使用/)
  const page = await new PageVisitor(app, link.path).open()
  t.equal(page.statusCode, 410)
  t.match(page.body, /此链接已使用/)
  const after = await enterprise({ method: 'GET', url: `/v1/disputes/${dispute.id}` })
  t.equal(after.json().settlement.consumer_confirmation.decision, 'confirmed', 'the first answer stands')
})

t.test(
  `a form posted without this browser's cookie or proof is refused and changes nothing (${backend})`,
  async (t) => {
    const { app, database, link } = await linkOnSettledDispute(t)
    const csrf = async (fields: Record<string, string>, cookie?: string) =>
      app.inject({
        method: 'POST',
        url: link.path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
        payload: new URLSearchParams(fields).toString(),
      })

    const visitor = new PageVisitor(app, link.path)
    await visitor.open()
    t.ok(visitor.cookie, 'the page sets its cookie')
    const noCookie = await csrf({ step: 'code', code: link.code, form: visitor.form ?? '' })
    t.equal(noCookie.statusCode, 403, 'a cross-site post (no SameSite cookie) is refused')
    t.match(noCookie.body, /页面已过期/)
    const forgedProof = await csrf({ step: 'code', code: link.code, form: 'c.forged' }, visitor.cookie)
    t.equal(forgedProof.statusCode, 403, 'a proof not issued to this browser is refused')
    const skipCode = await csrf(
      { step: 'decide', decision: 'rejected', rating: 'dissatisfied', form: visitor.form ?? '' },
      visitor.cookie,
    )
    t.equal(skipCode.statusCode, 403, 'the code step’s proof cannot decide')

    const elsewhere = new PageVisitor(app, link.path)
    await elsewhere.open()
    await elsewhere.enterCode(link.code)
    const stolen = await csrf({
      step: 'decide',
      decision: 'rejected',
      rating: 'dissatisfied',
      form: elsewhere.form ?? '',
    })
    t.equal(stolen.statusCode, 403, 'a decision proof without its browser’s cookie is refused')

    const row = await database.db
      .selectFrom('confirmation_requests')
      .selectAll()
      .where('id', '=', link.id)
      .executeTakeFirstOrThrow()
    t.match(row, { status: 'pending', failed_attempts: 0 }, 'no refused post counted or decided anything')
    const cookie = (await app.inject({ method: 'GET', url: link.path })).headers['set-cookie']
    t.match(String(cookie), /HttpOnly/)
    t.match(String(cookie), /SameSite=Strict/)
    t.match(String(cookie), new RegExp(`Path=${link.path}`))
  },
)

t.test(
  `the page escapes enterprise text, masks the consumer and sends its security headers (${backend})`,
  async (t) => {
    const { app, link } = await linkOnSettledDispute(t, {
      terms: '退款 27 元 <script>alert("x")</script> & 赠券',
    })
    const visitor = new PageVisitor(app, link.path)
    const first = await visitor.open()
    t.notMatch(first.body, /退款 27 元/, 'nothing of the settlement before the code')
    const csp = String(first.headers['content-security-policy'])
    t.match(csp, /default-src 'none'/)
    t.notMatch(csp, /script-src|unsafe-inline/, 'no script may run, no inline code is allowed')
    t.equal(first.headers['referrer-policy'], 'no-referrer')
    t.equal(first.headers['x-frame-options'], 'DENY')
    t.match(String(first.headers['content-type']), /^text\/html/)
    t.notMatch(first.body, /<script/i)

    const terms = await visitor.enterCode(link.code)
    t.equal(terms.statusCode, 200)
    t.match(terms.body, '退款 27 元 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 赠券')
    t.notMatch(terms.body, /<script/i, 'markup in the terms shows as text')
    t.match(terms.body, /<dd>张\*<\/dd>/, 'the consumer’s name masked')
    t.notMatch(terms.body, /13800138000|138\*/, 'no phone at all')

    const long = await visitor.decide('confirmed', 'satisfied', `<script>x</script>${'很'.repeat(500)}`)
    t.equal(long.statusCode, 422, 'a comment over 500 characters is refused')
    t.match(long.body, '&lt;script&gt;x&lt;/script&gt;', 'and shown back as text')
    const missing = await visitor.decide('', 'satisfied')
    t.equal(missing.statusCode, 422)
    t.match(missing.body, /请选择和解结果是否属实/)
  },
)

t.test(`bad input on the page answers an HTML page, never a 500 (${backend})`, async (t) => {
  const { app, link } = await linkOnSettledDispute(t)
  const unknown = await app.inject({ method: 'GET', url: '/c/AAAAAAAAAAAAAAAAAAAAAA' })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.body, /链接无效/)
  const garbage = await app.inject({ method: 'GET', url: '/c/not-a-token<>' })
  t.equal(garbage.statusCode, 404)
  const badStep = await app.inject({
    method: 'POST',
    url: link.path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'step=bogus&form=x&extra=1',
  })
  t.equal(badStep.statusCode, 400)
  t.match(String(badStep.headers['content-type']), /^text\/html/)
  t.match(badStep.body, /提交的内容无法识别/)
  const unknownQuery = await app.inject({ method: 'GET', url: `${link.path}?utm_source=sms` })
  t.equal(unknownQuery.statusCode, 400)
  t.match(String(unknownQuery.headers['content-type']), /^text\/html/)
})

t.test(`requests to one link are rate limited, with an HTML page (${backend})`, async (t) => {
  const { app, link } = await linkOnSettledDispute(t)
  const statuses: number[] = []
  for (let i = 0; i <= PAGE_LIMIT_PER_LINK; i++) {
    const res = await app.inject({ method: 'GET', url: link.path, remoteAddress: `10.0.${i}.1` })
    statuses.push(res.statusCode)
    if (res.statusCode === 429) {
      t.match(res.body, /操作过于频繁/)
      t.ok(res.headers['retry-after'])
    }
  }
  t.equal(
    statuses.filter((s) => s === 200).length,
    PAGE_LIMIT_PER_LINK,
    'the link’s budget is shared by every address',
  )
  t.equal(statuses.at(-1), 429)
})

t.test(`the link's token never reaches a log line (${backend})`, async (t) => {
  const { logger, lines } = memoryLogger('trace')
  const database = await freshDatabase(t)
  const { app } = await testApp(t, { database, logger })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const shop = await enrolEnterprise(app, regulatorToken, '北京某视频科技有限责任公司')
  const { dispute } = await settledDispute(app, regulatorToken, shop)
  const link = await requestLink(app, shop.token, dispute.id)
  const token = link.path.slice('/c/'.length)
  const visitor = new PageVisitor(app, link.path)
  await visitor.open('?lang=en')
  await visitor.enterCode(wrong(link.code))
  await visitor.enterCode(link.code)
  await visitor.decide('confirmed', 'satisfied')
  await app.inject({ method: 'GET', url: `${link.path}/../x` })
  const log = lines.join('')
  t.ok(log.includes('/c/[redacted]'), 'page requests are logged, their path redacted')
  t.notOk(log.includes(token), 'the token is in no log line')
  t.notOk(log.includes(link.code), 'nor the code')
})
