import type { FastifyError, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { type ProblemCode, problemTypes } from '../../src/errors.js'
import { negotiateLanguage } from '../../src/http/language.js'
import { toProblem } from '../../src/http/problem-handler.js'
import { testApp } from '../helpers/app.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const chinese = /[\u4e00-\u9fff]/

t.test('Accept-Language is negotiated between Chinese and English by q-value', async (t) => {
  const cases: [string | undefined, 'en' | 'zh'][] = [
    [undefined, 'en'],
    ['', 'en'],
    ['zh', 'zh'],
    ['zh-CN', 'zh'],
    ['zh-TW', 'zh'],
    ['zh-Hans-CN,zh;q=0.9', 'zh'],
    ['ZH-cn', 'zh'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['en;q=1, zh;q=0.5', 'en'],
    ['zh;q=0.5, en;q=1', 'en'],
    ['en;q=0.5, zh-CN;q=0.8', 'zh'],
    ['zh-CN,en;q=0.9', 'zh'],
    ['zh, en', 'zh'],
    ['en, zh', 'en'],
    ['fr', 'en'],
    ['fr, zh;q=0.3', 'zh'],
    ['*', 'en'],
    ['*, en;q=0.1', 'zh'],
    ['zh;q=0', 'en'],
    ['zh;q=0, *', 'en'],
    ['zh;q=nonsense', 'zh'],
  ]
  for (const [header, language] of cases) t.equal(negotiateLanguage(header), language, String(header))
})

t.test('every problem code in the registry has a Chinese title', async (t) => {
  for (const [code, { title }] of Object.entries(problemTypes)) {
    t.match(title.zh, chinese, `${code}: ${title.zh}`)
    t.notOk(title.zh.endsWith('。'), `${code}: a title, like the English one, has no full stop`)
    t.not(title.zh, title.en, code)
  }
})

/** The problems a caller meets most, each produced over HTTP. */
async function representativeProblems(t: Test) {
  const { app, database } = await testApp(t, { config: { rateLimitMax: 30, rateLimitWindowMs: 60_000 } })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const regulator = as(app, regulatorToken)
  const acme = await enrolEnterprise(app, regulatorToken, 'Acme Streaming')
  const enterprise = as(app, acme.token)
  const dispute = await intakeDispute(app, regulatorToken, acme.id)
  const problems: [ProblemCode, (headers: Record<string, string>) => Promise<LightMyRequestResponse>][] = [
    ['not_found', (headers) => app.inject({ method: 'GET', url: '/v1/no-such-route', headers })],
    ['not_found', (headers) => regulator({ method: 'GET', url: '/v1/disputes/dsp_missing', headers })],
    ['unauthenticated', (headers) => app.inject({ method: 'GET', url: '/v1/disputes', headers })],
    [
      'invalid_token',
      (headers) =>
        app.inject({ method: 'GET', url: '/v1/disputes', headers: { ...headers, authorization: 'Basic x' } }),
    ],
    [
      'forbidden',
      (headers) =>
        enterprise({
          method: 'POST',
          url: '/v1/enterprises',
          headers,
          payload: {
            name: 'X',
            uscc: '91110000100000589A',
            contact: { name: '王经理', phone: '01088886666' },
          },
        }),
    ],
    [
      'invalid_transition',
      (headers) =>
        enterprise({
          method: 'POST',
          url: `/v1/disputes/${dispute.id}/outcome`,
          headers,
          payload: { result: 'fulfilled', summary: '已履行' },
        }),
    ],
    [
      'precondition_failed',
      (headers) =>
        enterprise({
          method: 'POST',
          url: `/v1/disputes/${dispute.id}/accept`,
          headers: { ...headers, 'if-match': '"9"' },
        }),
    ],
    [
      'webhook_url_not_allowed',
      (headers) =>
        regulator({
          method: 'POST',
          url: '/v1/webhook-endpoints',
          headers,
          payload: { url: 'https://127.0.0.1/hooks', event_types: ['dispute.assigned'] },
        }),
    ],
    [
      'validation_failed',
      (headers) =>
        regulator({
          method: 'POST',
          url: '/v1/webhook-endpoints',
          headers,
          payload: { url: 'https://example.com/h' },
        }),
    ],
    [
      'validation_failed',
      (headers) =>
        regulator({
          method: 'POST',
          url: '/v1/enterprises',
          headers,
          payload: {
            name: 'Acme',
            uscc: '91440300MA5FUTRX1X',
            contact: { name: '王经理', phone: '01088886666' },
          },
        }),
    ],
    [
      'malformed_json',
      (headers) =>
        regulator({
          method: 'POST',
          url: '/v1/disputes',
          headers: { ...headers, 'content-type': 'application/json' },
          payload: '{"consumer":',
        }),
    ],
  ]
  return { app, problems }
}

function expectProblem(
  t: Test,
  res: LightMyRequestResponse,
  code: ProblemCode,
  language: 'en' | 'zh',
  label: string,
) {
  const body = res.json()
  t.equal(body.code, code, `${label}: the code`)
  t.equal(res.statusCode, problemTypes[code].status, `${label}: the status`)
  t.equal(body.status, problemTypes[code].status, `${label}: the body's status`)
  t.equal(body.type, `urn:hejie:problem:${code}`, `${label}: the type`)
  t.equal(body.title, problemTypes[code].title[language], `${label}: the title`)
  t.equal(res.headers['content-language'], language === 'zh' ? 'zh-CN' : 'en', `${label}: content-language`)
  t.match(String(res.headers.vary), /accept-language/i, `${label}: vary`)
  if (language === 'zh') {
    t.match(body.detail, chinese, `${label}: a Chinese detail: ${body.detail}`)
    t.match(body.detail, /。$/, `${label}: ends with a full stop: ${body.detail}`)
    for (const error of body.errors ?? []) t.match(error.message, chinese, `${label}: ${error.path}`)
  } else {
    t.notMatch(body.detail, chinese, `${label}: an English detail: ${body.detail}`)
    for (const error of body.errors ?? []) t.notMatch(error.message, chinese, `${label}: ${error.path}`)
  }
}

t.test('problems answer in Chinese with Accept-Language: zh-CN', async (t) => {
  const { problems } = await representativeProblems(t)
  for (const [code, send] of problems) {
    const english = await send({})
    const res = await send({ 'accept-language': 'zh-CN' })
    expectProblem(t, res, code, 'zh', `${code} zh-CN`)
    t.same(
      (res.json().errors ?? []).map((e: { path: string }) => e.path),
      (english.json().errors ?? []).map((e: { path: string }) => e.path),
      `${code}: the paths do not change with the language`,
    )
  }
})

t.test('problems answer in English without Accept-Language and with en;q=1, zh;q=0.5', async (t) => {
  const { problems } = await representativeProblems(t)
  for (const [code, send] of problems) {
    expectProblem(t, await send({}), code, 'en', `${code} without the header`)
    expectProblem(t, await send({ 'accept-language': 'en;q=1, zh;q=0.5' }), code, 'en', `${code} en first`)
  }
})

t.test('some Chinese details, word for word', async (t) => {
  const { app, problems } = await representativeProblems(t)
  const zh = { 'accept-language': 'zh' }
  const byCode = (code: ProblemCode, index = 0) => problems.filter(([c]) => c === code)[index]?.[1]
  const missing = await byCode('validation_failed')?.(zh)
  t.equal(missing?.json().detail, 'body/event_types 为必填项。')
  t.same(missing?.json().errors, [{ path: 'body/event_types', message: '为必填项' }])
  const uscc = await byCode('validation_failed', 1)?.(zh)
  t.match(uscc?.json().detail, /^uscc 不是有效的统一社会信用代码：[^。]+。$/)
  const loopback = await byCode('webhook_url_not_allowed')?.(zh)
  t.equal(loopback?.json().detail, 'Webhook 只推送到公网地址，而 127.0.0.1 是环回地址。')
  const transition = await byCode('invalid_transition')?.(zh)
  t.match(transition?.json(), {
    detail: '状态为 assigned 的纠纷不能执行 outcome。',
    current_status: 'assigned',
    allowed_actions: ['accept', 'decline', 'contacts'],
  })
  const route = await app.inject({ method: 'GET', url: '/v1/no-such-route', headers: zh })
  t.equal(route.json().detail, '不存在路由 GET /v1/no-such-route。')
})

t.test('a rate-limited caller is told in Chinese when it asks for Chinese', async (t) => {
  const { app } = await testApp(t, { config: { rateLimitMax: 1, rateLimitWindowMs: 60_000 } })
  await app.inject({ method: 'GET', url: '/v1/no-such-route' })
  const res = await app.inject({
    method: 'GET',
    url: '/v1/no-such-route',
    headers: { 'accept-language': 'zh-CN' },
  })
  expectProblem(t, res, 'rate_limited', 'zh', 'rate_limited')
  const english = await app.inject({ method: 'GET', url: '/v1/no-such-route' })
  expectProblem(t, english, 'rate_limited', 'en', 'rate_limited')
})

t.test('every validation keyword has a Chinese message, and the paths stay as they are', async (t) => {
  const issue = (keyword: string, instancePath: string, params: object, message: string) => ({
    keyword,
    instancePath,
    schemaPath: '#',
    params,
    message,
  })
  const error = Object.assign(new Error('validation'), {
    validationContext: 'body',
    validation: [
      issue('required', '', { missingProperty: 'consumer' }, "must have required property 'consumer'"),
      issue(
        'additionalProperties',
        '',
        { additionalProperty: 'extra' },
        'must NOT have additional properties',
      ),
      issue('type', '/amount/amount', { type: 'integer' }, 'must be integer'),
      issue(
        'enum',
        '/channel',
        { allowedValues: ['phone', 'web'] },
        'must be equal to one of the allowed values',
      ),
      issue('minLength', '/description', { limit: 10 }, 'must NOT have fewer than 10 characters'),
      issue('maxLength', '/name', { limit: 200 }, 'must NOT have more than 200 characters'),
      issue('minimum', '/amount/amount', { comparison: '>=', limit: 1 }, 'must be >= 1'),
      issue('maximum', '/limit', { comparison: '<=', limit: 100 }, 'must be <= 100'),
      issue('format', '/agreed_at', { format: 'date-time' }, 'must match format "date-time"'),
      issue('pattern', '/phone', { pattern: '^1\\d{10}$' }, 'must match pattern "^1\\d{10}$"'),
      issue('minItems', '/event_types', { limit: 1 }, 'must NOT have fewer than 1 items'),
      issue('uniqueItems', '/event_types', { i: 1, j: 0 }, 'must NOT have duplicate items'),
      issue('storable', '/note', {}, 'contains a NUL character'),
    ],
  }) as unknown as FastifyError
  const problem = toProblem(error)
  const zh = problem.toBody('req_1', 'zh')
  const en = problem.toBody('req_1', 'en')
  t.equal(zh.code, 'validation_failed')
  t.equal(zh.title, '请求未通过校验')
  t.same(
    zh.errors?.map((e) => e.path),
    en.errors?.map((e) => e.path),
  )
  t.same(zh.errors, [
    { path: 'body/consumer', message: '为必填项' },
    { path: 'body/extra', message: '不是已定义的属性' },
    { path: 'body/amount/amount', message: '应为整数' },
    { path: 'body/channel', message: '应为以下值之一："phone"、"web"' },
    { path: 'body/description', message: '长度不能少于 10 个字符' },
    { path: 'body/name', message: '长度不能超过 200 个字符' },
    { path: 'body/amount/amount', message: '应大于或等于 1' },
    { path: 'body/limit', message: '应小于或等于 100' },
    { path: 'body/agreed_at', message: '不符合 date-time 格式' },
    { path: 'body/phone', message: '应符合格式 "^1\\d{10}$"' },
    { path: 'body/event_types', message: '至少应有 1 项' },
    { path: 'body/event_types', message: '不能有重复项（第 0 项与第 1 项相同，从 0 起数）' },
    { path: 'body/note', message: '含有 NUL 字符' },
  ])
  t.equal(
    zh.detail,
    `${zh.errors?.map((e) => `${e.path} ${e.message}`).join('；')}。`,
    'the detail names every field, separated by Chinese semicolons',
  )
  t.match(en.detail, /^body\/consumer is required; body\/extra is not a known property; /)
})
