import type { Dispatcher } from 'undici'
import { APIConnectionError, APITimeoutError, errorFromResponse } from '../errors.js'

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Path and query, already joined to the base URL's path. */
  path: string
  headers: Record<string, string>
  body?: string
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: unknown
}

export interface Attempt {
  dispatcher: Dispatcher
  origin: string
  timeoutMs: number
  signal?: AbortSignal | undefined
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined
  if (contentType && /\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/**
 * One HTTP exchange, with no retry: resolves with a 2xx answer, throws the `HejieError`
 * subclass for any other status, `APITimeoutError` when `timeoutMs` passes first (the
 * timeout covers the whole exchange, body included), `APIConnectionError` when the
 * connection fails, and the signal's own reason when the caller aborts.
 */
export async function exchange(request: HttpRequest, attempt: Attempt): Promise<HttpResponse> {
  // A timer cleared when the exchange ends, rather than `AbortSignal.timeout`, whose timer
  // lives on for the whole timeout after the answer: at thousands of calls a second that is
  // hundreds of thousands of pending timers, and most of the SDK's own cost per call.
  const timeout = new AbortController()
  const timer = setTimeout(() => timeout.abort(), attempt.timeoutMs)
  timer.unref()
  const signal = attempt.signal ? AbortSignal.any([attempt.signal, timeout.signal]) : timeout.signal
  let response: HttpResponse
  try {
    const answer = await attempt.dispatcher.request({
      origin: attempt.origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal,
    })
    const headers = flatHeaders(answer.headers)
    response = {
      status: answer.statusCode,
      headers,
      body: parseBody(await answer.body.text(), headers['content-type']),
    }
  } catch (error) {
    if (attempt.signal?.aborted) throw attempt.signal.reason
    const target = `${request.method} ${attempt.origin}${request.path.split('?')[0]}`
    if (timeout.signal.aborted) {
      throw new APITimeoutError(`${target} got no answer within ${attempt.timeoutMs} ms`, { cause: error })
    }
    const reason = error instanceof Error ? error.message : String(error)
    throw new APIConnectionError(`${target} failed before an answer arrived: ${reason}`, { cause: error })
  } finally {
    clearTimeout(timer)
  }
  if (response.status >= 200 && response.status < 300) return response
  throw errorFromResponse(response.status, response.headers, response.body)
}
