import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { AuthenticationError, type ErrorCode, HejieError } from '@hejie/sdk'
import { request } from 'undici'
import type { Credentials } from '../credentials.js'
import { acceptLanguage, t } from '../i18n/index.js'
import type { Advance } from './audit-progress.js'

export interface ExportRange {
  from?: number | undefined
  to?: number | undefined
  enterpriseId?: string | undefined
  consistencyFrom?: number | undefined
}

const NEWLINE = 0x0a

/** RFC 6749 §2.3.1: both parts form-urlencoded before they are joined and base64-encoded. */
function basic({ clientId, clientSecret }: Credentials): string {
  const encode = (part: string) => encodeURIComponent(part).replace(/%20/g, '+')
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`
}

/** The error the SDK would raise for this answer, so that the command's exit codes apply. */
async function refusal(what: string, statusCode: number, body: { text(): Promise<string> }): Promise<Error> {
  const text = await body.text()
  let detail = text.slice(0, 300)
  let code: string | undefined
  try {
    const parsed = JSON.parse(text)
    code = parsed.code ?? parsed.error
    detail = parsed.detail ?? parsed.error_description ?? detail
  } catch {}
  const ErrorClass = statusCode === 401 ? AuthenticationError : HejieError
  return new ErrorClass(`${what}: ${statusCode}${code ? ` ${code}` : ''}: ${detail}`, {
    status: statusCode,
    ...(code ? { code: code as ErrorCode } : {}),
  })
}

/**
 * Downloads the export bundle to `file` as it streams (never whole in memory), written beside
 * it and renamed when complete, so that an interrupted download never looks like a bundle.
 * The SDK's calls parse whole JSON answers; a bundle is NDJSON of any size, hence this stream.
 */
export async function downloadBundle(
  credentials: Credentials,
  range: ExportRange,
  file: string,
  onProgress: (advance: Advance) => void,
): Promise<{ bytes: number; entries: number }> {
  const base = credentials.baseUrl.replace(/\/+$/, '')
  const token = await request(`${base}/v1/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: basic(credentials),
      'content-type': 'application/x-www-form-urlencoded',
      'accept-language': acceptLanguage(),
    },
    body: 'grant_type=client_credentials',
  })
  if (token.statusCode !== 200) throw await refusal(t('export.tokenFailed'), token.statusCode, token.body)
  const { access_token } = (await token.body.json()) as { access_token: string }

  const query = new URLSearchParams()
  if (range.from !== undefined) query.set('from', String(range.from))
  if (range.to !== undefined) query.set('to', String(range.to))
  if (range.enterpriseId !== undefined) query.set('enterprise_id', range.enterpriseId)
  if (range.consistencyFrom !== undefined) query.set('consistency_from', String(range.consistencyFrom))
  const answer = await request(`${base}/v1/audit/export${query.size > 0 ? `?${query}` : ''}`, {
    headers: {
      authorization: `Bearer ${access_token}`,
      accept: 'application/x-ndjson',
      'accept-language': acceptLanguage(),
    },
    bodyTimeout: 0,
  })
  if (answer.statusCode !== 200) throw await refusal(t('export.failed'), answer.statusCode, answer.body)

  const partial = `${file}.partial`
  const out = createWriteStream(partial)
  // The manifest, the checkpoint, the JWKS and the consistency proof come before the entries.
  const headerLines = range.consistencyFrom === undefined ? 3 : 4
  let bytes = 0
  let lines = 0
  try {
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      bytes += chunk.length
      for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines += 1
      if (!out.write(chunk)) await once(out, 'drain')
      onProgress({ bytes, entries: Math.max(0, lines - headerLines) })
    }
    out.end()
    await once(out, 'finish')
    await rename(partial, file)
  } catch (error) {
    out.destroy()
    await rm(partial, { force: true })
    throw error
  }
  return { bytes, entries: Math.max(0, lines - headerLines) }
}
