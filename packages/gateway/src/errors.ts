import type { Localized } from './domain/localized.js'

/**
 * The registry of problem codes. Every error the API returns is one of these: a stable
 * snake_case code, its HTTP status and a human title. Codes are part of the public contract
 * (integrators branch on them), so a code is never renamed or reused; `docs/errors.md`
 * has one row per entry and a test keeps the two in step.
 */
export const problemTypes = {
  validation_failed: {
    status: 400,
    title: { en: 'The request is not valid', zh: '请求未通过校验' },
  },
  malformed_json: {
    status: 400,
    title: { en: 'The request body is not valid JSON', zh: '请求体不是有效的 JSON' },
  },
  malformed_url: {
    status: 400,
    title: { en: 'The request URL is not valid', zh: '请求 URL 无效' },
  },
  invalid_cursor: {
    status: 400,
    title: { en: 'The pagination cursor is not valid', zh: '分页游标无效' },
  },
  unauthenticated: {
    status: 401,
    title: { en: 'Authentication is required', zh: '需要身份认证' },
  },
  invalid_token: {
    status: 401,
    title: { en: 'The access token is not valid', zh: '访问令牌无效' },
  },
  invalid_client: {
    status: 401,
    title: {
      en: 'Unknown client, wrong secret, or a revoked client',
      zh: '客户端不存在、密钥错误或已被吊销',
    },
  },
  console_session_required: {
    status: 401,
    title: { en: 'Sign in to the console first', zh: '请先登录控制台' },
  },
  console_session_expired: {
    status: 401,
    title: { en: 'The console session has ended', zh: '控制台会话已结束' },
  },
  csrf_failed: {
    status: 403,
    title: { en: 'The request did not come from the console page', zh: '请求并非来自控制台页面' },
  },
  https_required: {
    status: 403,
    title: { en: 'The console is only served over HTTPS', zh: '控制台只能通过 HTTPS 访问' },
  },
  forbidden: {
    status: 403,
    title: { en: 'The caller may not do this', zh: '调用方无权执行此操作' },
  },
  not_found: {
    status: 404,
    title: { en: 'The resource does not exist', zh: '资源不存在' },
  },
  file_content_erased: {
    status: 410,
    title: { en: 'The file’s content was erased; its hash is kept', zh: '文件内容已被清除，仅保留其哈希值' },
  },
  method_not_allowed: {
    status: 405,
    title: { en: 'The method is not allowed on this resource', zh: '该资源不支持此请求方法' },
  },
  conflict: {
    status: 409,
    title: { en: 'The request conflicts with the current state', zh: '请求与当前数据冲突' },
  },
  invalid_transition: {
    status: 409,
    title: { en: 'The action is not allowed in the current state', zh: '当前状态下不允许此操作' },
  },
  idempotency_key_in_use: {
    status: 409,
    title: { en: 'A request with this idempotency key is still running', zh: '使用该幂等键的请求仍在处理中' },
  },
  no_settlement: {
    status: 409,
    title: {
      en: 'The dispute has no settlement for the consumer to confirm',
      zh: '该纠纷没有可供消费者确认的和解',
    },
  },
  consumer_already_answered: {
    status: 409,
    title: { en: 'The consumer has already answered about the settlement', zh: '消费者已对和解作出答复' },
  },
  last_regulator_client: {
    status: 409,
    title: {
      en: 'The last active regulator client cannot be revoked',
      zh: '不能吊销最后一个有效的监管部门客户端',
    },
  },
  precondition_failed: {
    status: 412,
    title: { en: 'The resource has changed since it was read', zh: '资源在读取之后已被修改' },
  },
  payload_too_large: {
    status: 413,
    title: { en: 'The request body is too large', zh: '请求体过大' },
  },
  file_too_large: {
    status: 413,
    title: { en: 'The file is larger than the limit', zh: '文件超过大小上限' },
  },
  uri_too_long: {
    status: 414,
    title: { en: 'A path parameter of the request URL is too long', zh: '请求 URL 中的路径参数过长' },
  },
  unsupported_media_type: {
    status: 415,
    title: { en: 'The request content type is not supported', zh: '不支持该请求内容类型' },
  },
  unsupported_file_type: {
    status: 415,
    title: { en: 'The file’s content is not an accepted type', zh: '文件内容不属于可接受的类型' },
  },
  unprocessable: {
    status: 422,
    title: { en: 'The request cannot be carried out', zh: '请求无法执行' },
  },
  idempotency_key_reused: {
    status: 422,
    title: {
      en: 'The idempotency key was already used with a different request',
      zh: '该幂等键已用于另一个请求',
    },
  },
  refund_exceeds_settlement: {
    status: 422,
    title: { en: 'The refunds would exceed the settled amount', zh: '退款总额将超过和解金额' },
  },
  enterprise_not_active: {
    status: 422,
    title: { en: 'The enterprise does not take new disputes', zh: '该企业不再受理新纠纷' },
  },
  unit_not_active: {
    status: 422,
    title: { en: 'The handling unit does not take disputes', zh: '该承办单位不受理纠纷' },
  },
  no_dispatch_target: {
    status: 422,
    title: {
      en: 'The dispatcher found no one to route the complaint to',
      zh: '找不到可以分派该投诉的承办方',
    },
  },
  invalid_evidence: {
    status: 422,
    title: { en: 'The evidence names a file the request may not cite', zh: '证据引用了本请求无权引用的文件' },
  },
  time_in_future: {
    status: 422,
    title: { en: 'The time lies in the future', zh: '所填时间晚于当前时间' },
  },
  time_before_assignment: {
    status: 422,
    title: {
      en: 'The time lies before the dispute was assigned to its enterprise',
      zh: '所填时间早于纠纷分派给该企业的时间',
    },
  },
  webhook_url_not_allowed: {
    status: 422,
    title: { en: 'The webhook URL is not an allowed target', zh: 'Webhook 地址不是允许的推送目标' },
  },
  cosignature_invalid: {
    status: 422,
    title: { en: 'The cosignature does not verify', zh: '见证副署签名验证未通过' },
  },
  cosignature_stale: {
    status: 409,
    title: {
      en: 'The cosignature is not newer than the witness’s last',
      zh: '该副署签名不晚于此见证方的上一次副署',
    },
  },
  rate_limited: {
    status: 429,
    title: { en: 'Too many requests', zh: '请求过于频繁' },
  },
  internal_error: {
    status: 500,
    title: { en: 'Internal server error', zh: '服务器内部错误' },
  },
  database_unavailable: {
    status: 503,
    title: { en: 'The database is not reachable', zh: '无法连接数据库' },
  },
  storage_full: {
    status: 503,
    title: { en: 'The database has no space left', zh: '数据库已无剩余空间' },
  },
  not_ready: {
    status: 503,
    title: { en: 'The service is not ready', zh: '服务尚未就绪' },
  },
} as const satisfies Record<string, { status: number; title: Localized }>

export type ProblemCode = keyof typeof problemTypes

/** The languages problems are written in: English by default, Chinese when the caller asks. */
export type Language = 'en' | 'zh'

/**
 * Every problem's detail is written in both languages where it is raised, so that none is left
 * without its Chinese (a structure test checks the call sites).
 */
export type { Localized }

/** A field-level problem as the body carries it: in the language of the response. */
export interface FieldError {
  path: string
  message: string
}

/** A field-level problem as it is raised: the path, and the message in both languages. */
export interface LocalizedFieldError {
  path: string
  message: Localized
}

/** The RFC 9457 body every error response carries. */
export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  code: ProblemCode
  request_id: string
  errors?: FieldError[]
  [extension: string]: unknown
}

export function problemTypeUri(code: ProblemCode): string {
  return `urn:hejie:problem:${code}`
}

/**
 * An error that carries its problem code. Services and routes throw it; the error handler
 * turns it into `application/problem+json`, in the language the request negotiated.
 * `extensions` adds members to the body (for example `current_status` and `allowed_actions`
 * on `invalid_transition`); they are data, the same in every language. The error's
 * `message` is the English detail, for logs.
 */
export class ProblemError extends Error {
  readonly code: ProblemCode
  readonly status: number
  readonly detail: Localized
  readonly errors: LocalizedFieldError[] | undefined
  readonly extensions: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor(
    code: ProblemCode,
    detail: Localized,
    options: {
      errors?: LocalizedFieldError[]
      extensions?: Record<string, unknown>
      headers?: Record<string, string>
    } = {},
  ) {
    super(detail.en)
    this.name = 'ProblemError'
    this.code = code
    this.status = problemTypes[code].status
    this.detail = detail
    this.errors = options.errors
    this.extensions = options.extensions ?? {}
    this.headers = options.headers ?? {}
  }

  /** The body in `language`; `code`, `type`, `status` and the extensions do not depend on it. */
  toBody(requestId: string, language: Language = 'en'): ProblemBody {
    return {
      type: problemTypeUri(this.code),
      title: problemTypes[this.code].title[language],
      status: this.status,
      detail: this.detail[language],
      code: this.code,
      request_id: requestId,
      ...(this.errors
        ? { errors: this.errors.map((e) => ({ path: e.path, message: e.message[language] })) }
        : {}),
      ...this.extensions,
    }
  }
}

/**
 * A message from elsewhere (a parser, a library) as a clause inside a detail: without its
 * final period, so that the detail ends with exactly one.
 */
export function asClause(message: string): string {
  return message.trim().replace(/[.。]+$/, '')
}

/**
 * The problem `code` with its detail in English and Chinese. The Chinese is written for the
 * people who read it (a developer in China, the bureau's staff), not translated word for word;
 * it ends with a full stop 。 as the English ends with a period.
 */
export function problem(
  code: ProblemCode,
  detail: Localized,
  options?: ConstructorParameters<typeof ProblemError>[2],
): ProblemError {
  return new ProblemError(code, detail, options)
}
