import { language } from '../i18n/i18n.js'
import { accessToken, forgetToken } from '../session/tokens.js'

/** The body of an RFC 9457 problem, as the gateway sends it. */
export interface Problem {
  type?: string
  title: string
  status: number
  detail?: string
  code?: string
  request_id?: string
  errors?: { path: string; message: string }[]
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title)
  }
  get status(): number {
    return this.problem.status
  }
}

export type Query = Record<string, string | number | boolean | string[] | undefined | null>

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  query?: Query
  body?: unknown
  /** The dispute's `version`: actions send it as `If-Match`, so nobody overwrites a change they did not see. */
  version?: number
  accept?: string
}

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

/**
 * One call to /v1 with the session's Bearer token, as any client makes it. A 401 means the
 * token was revoked or expired early: the token is dropped and fetched once more, and if the
 * session itself has ended, the token fetch sends the page back to sign-in.
 */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET'
  const send = async () => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await accessToken()}`,
      accept: options.accept ?? 'application/json',
      'accept-language': language() === 'zh' ? 'zh-CN' : 'en',
    }
    let body: BodyInit | undefined
    if (options.body instanceof FormData) body = options.body
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.body)
    }
    // Every POST carries a key of its own: a retried submission is replayed, never doubled.
    if (method === 'POST') headers['idempotency-key'] = idempotencyKey(options)
    if (options.version !== undefined) headers['if-match'] = `"${options.version}"`
    return fetch(`/v1${path}${queryString(options.query)}`, { method, headers, body, credentials: 'omit' })
  }
  let response = await send()
  if (response.status === 401) {
    forgetToken()
    response = await send()
  }
  if (!response.ok) throw new ApiError(await problemOf(response))
  return response
}

const keys = new WeakMap<CallOptions, string>()
function idempotencyKey(options: CallOptions): string {
  let key = keys.get(options)
  if (!key) {
    key = crypto.randomUUID()
    keys.set(options, key)
  }
  return key
}

export async function get<T>(path: string, query?: Query): Promise<T> {
  return (await call(path, { query })).json() as Promise<T>
}

export async function post<T>(path: string, body: unknown, version?: number): Promise<T> {
  return (
    await call(path, { method: 'POST', body, ...(version === undefined ? {} : { version }) })
  ).json() as Promise<T>
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text()
  try {
    const parsed = JSON.parse(text) as Partial<Problem>
    return { ...parsed, title: parsed.title ?? response.statusText, status: response.status }
  } catch {
    return { title: response.statusText || `HTTP ${response.status}`, status: response.status }
  }
}
