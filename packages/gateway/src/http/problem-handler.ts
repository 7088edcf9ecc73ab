import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify'
import { unstorableReasonInChinese } from '../domain/storable-text.js'
import {
  asClause,
  type Language,
  type LocalizedFieldError,
  type ProblemCode,
  ProblemError,
  problemTypes,
} from '../errors.js'
import { CONTENT_LANGUAGE, negotiateLanguage } from './language.js'
import type { RouteTable } from './route-table.js'
import { storageProblem } from './storage-problems.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** Fastify's own error codes, translated into the contract's problem codes. */
const fastifyCodes: Record<string, ProblemCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
}

const statusCodes: Partial<Record<number, ProblemCode>> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'not_ready',
}

/**
 * Sends a problem in the language the request negotiated (`Accept-Language`), saying which in
 * `content-language`; `vary` tells caches that the body depends on that header.
 */
export function sendProblem(reply: FastifyReply, error: ProblemError): FastifyReply {
  // Set here as well as in the onRequest hook: errors the router raises before any hook runs
  // (a malformed escape, an over-long parameter) come straight here.
  reply.header('x-request-id', String(reply.request.id))
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
  const language = negotiateLanguage(reply.request.headers['accept-language'])
  reply.header('content-language', CONTENT_LANGUAGE[language])
  addVary(reply, 'accept-language')
  return reply
    .code(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(error.toBody(String(reply.request.id), language)))
}

function addVary(reply: FastifyReply, name: string): void {
  const current = reply.getHeader('vary')
  const names = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  if (names.some((part) => part === '*' || part.toLowerCase() === name)) return
  reply.header('vary', [...names, name].join(', '))
}

/** JSON Schema type names, as a Chinese reader calls them. */
const zhTypes: Record<string, string> = {
  string: '字符串',
  integer: '整数',
  number: '数字',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  null: 'null',
}

/** A schema validator's message, in Chinese, from its keyword and parameters. */
function zhValidationMessage(issue: NonNullable<FastifyError['validation']>[number]): string {
  const params = issue.params as Record<string, unknown>
  const limit = params.limit
  switch (issue.keyword) {
    case 'required':
      return '为必填项'
    case 'additionalProperties':
      return '不是已定义的属性'
    case 'type': {
      const types = ([] as unknown[]).concat(params.type).map((type) => zhTypes[String(type)] ?? String(type))
      return `应为${types.join('或')}`
    }
    case 'enum':
      return `应为以下值之一：${((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join('、')}`
    case 'const':
      return `应为 ${JSON.stringify(params.allowedValue)}`
    case 'minLength':
      return `长度不能少于 ${limit} 个字符`
    case 'maxLength':
      return `长度不能超过 ${limit} 个字符`
    case 'minimum':
      return `应大于或等于 ${limit}`
    case 'maximum':
      return `应小于或等于 ${limit}`
    case 'exclusiveMinimum':
      return `应大于 ${limit}`
    case 'exclusiveMaximum':
      return `应小于 ${limit}`
    case 'multipleOf':
      return `应为 ${params.multipleOf} 的倍数`
    case 'format':
      return `不符合 ${String(params.format)} 格式`
    case 'pattern':
      return `应符合格式 "${String(params.pattern)}"`
    case 'minItems':
      return `至少应有 ${limit} 项`
    case 'maxItems':
      return `最多只能有 ${limit} 项`
    case 'uniqueItems':
      return `不能有重复项（第 ${params.j} 项与第 ${params.i} 项相同，从 0 起数）`
    case 'minProperties':
      return `至少应有 ${limit} 个属性`
    case 'maxProperties':
      return `最多只能有 ${limit} 个属性`
    case 'dependentRequired':
    case 'dependencies':
      return `有 ${String(params.property)} 时也必须有 ${String(params.deps)}`
    case 'anyOf':
      return '不符合任何一种允许的形式'
    case 'oneOf':
      return '应恰好符合其中一种允许的形式'
    case 'not':
      return '不能符合被排除的形式'
    case 'propertyNames':
      return '的属性名不合规'
    case 'storable':
      return unstorableReasonInChinese(issue.message ?? '')
    default:
      return '不合规'
  }
}

function validationErrors(error: FastifyError): LocalizedFieldError[] {
  return (error.validation ?? []).map((issue) => {
    const base = issue.instancePath || ''
    const params = issue.params as { additionalProperty?: string; missingProperty?: string }
    const leaf = params.additionalProperty ?? params.missingProperty
    const path = `${error.validationContext ?? 'body'}${base}${leaf ? `/${leaf}` : ''}`
    const en =
      issue.keyword === 'additionalProperties'
        ? 'is not a known property'
        : issue.keyword === 'required'
          ? 'is required'
          : (issue.message ?? 'is not valid')
    return { path, message: { en, zh: zhValidationMessage(issue) } }
  })
}

/** A field and its message as one clause: "body/amount must be integer", "body/amount 应为整数". */
function fieldClause(error: LocalizedFieldError, language: Language): string {
  const message = asClause(error.message[language])
  // A message that begins with 的 ("的属性名…") attaches to the path without a space.
  return language === 'zh' && message.startsWith('的')
    ? `${error.path}${message}`
    : `${error.path} ${message}`
}

/** Fastify's own errors, in Chinese (the English is Fastify's message). */
const fastifyZh: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '不支持该请求体的内容类型；请以 content-type: application/json 发送 JSON。',
  FST_ERR_CTP_BODY_TOO_LARGE: '请求体超过了大小上限。',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length 与请求体的实际长度不符。',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'content-type 声明为 application/json，但请求体是空的。',
  FST_ERR_CTP_INVALID_JSON_BODY: 'content-type 声明为 application/json，但请求体不是有效的 JSON。',
}

/** Turns anything thrown into a problem; never leaks the internals of a 5xx. */
export function toProblem(error: FastifyError | ProblemError | Error): ProblemError {
  if (error instanceof ProblemError) return error
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    const errors = validationErrors(fastifyError)
    // "body/amount must be integer; querystring/limit must be <= 100."
    // "body/amount 应为整数；querystring/limit 应小于或等于 100。"
    const en = errors.map((e) => fieldClause(e, 'en')).join('; ')
    const zh = errors.map((e) => fieldClause(e, 'zh')).join('；')
    return new ProblemError(
      'validation_failed',
      { en: en ? `${en}.` : 'The request is not valid.', zh: zh ? `${zh}。` : '请求未通过校验。' },
      { errors },
    )
  }
  const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined
  if (mapped) {
    return new ProblemError(mapped, {
      en: fastifyError.message,
      zh: fastifyZh[fastifyError.code] ?? `${problemTypes[mapped].title.zh}。`,
    })
  }
  const status = fastifyError.statusCode ?? 500
  const byStatus = statusCodes[status]
  // An error some library raised with a status: its message is English only; the Chinese
  // says what the code says.
  if (status < 500 && byStatus) {
    return new ProblemError(byStatus, {
      en: fastifyError.message,
      zh: `${problemTypes[byStatus].title.zh}。`,
    })
  }
  const fromStorage = storageProblem(error)
  if (fromStorage) return fromStorage
  return new ProblemError('internal_error', {
    en: 'Something went wrong on our side; the request id identifies it.',
    zh: '服务器内部出错；请凭请求编号（request_id）反馈。',
  })
}

export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const converted = toProblem(error)
    if (converted.status >= 500) request.log.error({ err: error }, 'request failed')
    return sendProblem(reply, converted)
  })
}

/**
 * Errors the router raises before a route is found, as problems. The detail does not echo the
 * URL: an over-long one would be copied back whole.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (
  error,
  _request,
  reply,
) => {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendProblem(
      reply,
      new ProblemError('uri_too_long', {
        en: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters.`,
        zh: `路径参数超过了 ${MAX_PARAM_LENGTH} 个字符。`,
      }),
    )
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendProblem(
      reply,
      new ProblemError('malformed_url', {
        en: 'The URL has a malformed percent-escape, or one that does not decode to UTF-8 text.',
        zh: 'URL 中有格式错误的百分号转义，或转义后不是 UTF-8 文本。',
      }),
    )
  }
  return sendProblem(reply, toProblem(error))
}

/** The longest path parameter the router accepts; ids are at most 64 characters. */
export const MAX_PARAM_LENGTH = 100

/**
 * Unknown routes answer a 404 problem, and a known path asked with a method it does not take
 * a 405 with `Allow`. Both count against the caller's rate limit like any other request, so
 * probing for routes is throttled too.
 */
export function registerNotFoundHandler(app: FastifyInstance, routes: RouteTable): void {
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    const allowed = routes.methodsOf(path)
    if (allowed.length > 0) {
      return sendProblem(
        reply,
        new ProblemError(
          'method_not_allowed',
          {
            en: `${path} does not take ${request.method}; it takes ${allowed.join(', ')}.`,
            zh: `${path} 不支持 ${request.method}，只支持 ${allowed.join('、')}。`,
          },
          {
            headers: { allow: allowed.join(', ') },
          },
        ),
      )
    }
    return sendProblem(
      reply,
      new ProblemError('not_found', {
        en: `No route ${request.method} ${path}.`,
        zh: `不存在路由 ${request.method} ${path}。`,
      }),
    )
  })
}
