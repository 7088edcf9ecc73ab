import { Readable } from 'node:stream'
import multipart from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { type FilePurpose, filePurposes } from '../domain/file-types.js'
import { unstorableReasonInChinese, unstorableTextReason } from '../domain/storable-text.js'
import { ProblemError, problem } from '../errors.js'
import { principalOf } from '../http/authentication.js'
import { problemResponse } from '../http/problem-schema.js'
import { sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import { IdParams } from '../schemas/common.js'
import { FileUploadForm } from '../schemas/files.js'
import { MAX_FILE_BYTES } from '../services/files/limits.js'
import { getFile, openContent } from '../services/files/queries.js'
import {
  commitUpload,
  type StoredContent,
  storeContent,
  type UploadFields,
} from '../services/files/upload.js'
import { databaseFileStore } from '../storage/file-store.js'

const reads = { roles: ['regulator', 'enterprise', 'unit'], scope: 'disputes:read' } as const
const writes = { roles: ['regulator', 'enterprise', 'unit'], scope: 'disputes:write' } as const

const errors = {
  401: problemResponse('No valid access token'),
  403: problemResponse('The caller’s role or scopes do not allow this'),
  404: problemResponse('No such file visible to the caller'),
}

/** Evidence files: uploaded by multipart, streamed into chunks, read back by who may see the dispute. */
export const fileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const store = databaseFileStore(app.database)
  // Registered in this plugin only: every other route still refuses multipart bodies (415).
  // The size limit is a backstop; the upload counts bytes itself and stops at the same limit.
  await app.register(multipart, {
    limits: { fileSize: MAX_FILE_BYTES, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 50 },
    throwFileSizeLimit: true,
  })

  app.post(
    '/v1/files',
    {
      config: { access: writes, multipartForm: FileUploadForm },
      schema: {
        tags: ['files'],
        summary: 'Upload an evidence file (multipart/form-data), for a dispute or for an intake to cite',
        description:
          'The content is streamed into storage and hashed on the way; it is checked by its first bytes (not its name or claimed type). An upload that is refused or broken off leaves nothing stored. A file sent with `dispute_id` gets an audit entry carrying its SHA-256; a file without one must be cited by an intake of its uploader within 24 hours, or it is purged.',
        operationId: 'uploadFile',
        headers: WriteHeaders,
        response: {
          201: Type.Ref('File'),
          400: problemResponse(
            'No file part, a second file, or a missing or unknown field (`validation_failed`)',
          ),
          ...errors,
          404: problemResponse('The `dispute_id` names no dispute visible to the caller'),
          413: problemResponse('The file is larger than 10 MiB (`file_too_large`, with `limit_bytes`)'),
          415: problemResponse(
            'The content is not pdf, jpeg, png, webp, mp3, m4a, amr or wav, or is not the type claimed (`unsupported_file_type`, with `accepted_types`); or the body is not multipart/form-data (`unsupported_media_type`)',
          ),
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw problem('unsupported_media_type', {
          en: 'Send the file as multipart/form-data.',
          zh: '请以 multipart/form-data 格式上传文件。',
        })
      }
      const context = writeContextOf(request)
      const { content, fields } = await receiveUpload(request, app.database.clock.now().toISOString())
      return sendWrite(reply, await commitUpload(app.database, store, context, content, fields))
    },
  )

  /** The parts of an upload: its fields, and its one file stored as it streams in. */
  async function receiveUpload(
    request: FastifyRequest,
    createdAt: string,
  ): Promise<{ content: StoredContent; fields: UploadFields }> {
    const values: Record<string, string> = {}
    let content: StoredContent | undefined
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (content !== undefined) {
            part.file.resume()
            throw problem(
              'validation_failed',
              { en: 'Send one file per upload.', zh: '每次只能上传一个文件。' },
              {
                errors: [
                  {
                    path: `body/${part.fieldname}`,
                    message: { en: 'a second file', zh: '多出的第二个文件' },
                  },
                ],
              },
            )
          }
          if (part.fieldname !== 'file') {
            part.file.resume()
            throw problem('validation_failed', {
              en: `The file part must be named "file", not "${part.fieldname}".`,
              zh: `文件部分的名称应为 "file"，而不是 "${part.fieldname}"。`,
            })
          }
          // A form may send a file without a name; it is only shown back, never trusted.
          const filename = part.filename || 'file'
          checkStorable('filename', filename, 255, () => part.file.resume())
          content = await storeContent(
            store,
            { stream: part.file, filename, mimetype: part.mimetype },
            createdAt,
          )
        } else if (part.fieldname === 'purpose' || part.fieldname === 'dispute_id') {
          const value = String(part.value)
          checkStorable(part.fieldname, value, 64)
          values[part.fieldname] = value
        } else {
          throw problem(
            'validation_failed',
            { en: `Unknown field ${part.fieldname}.`, zh: `无法识别的字段 ${part.fieldname}。` },
            {
              errors: [
                { path: `body/${part.fieldname}`, message: { en: 'unknown field', zh: '无法识别的字段' } },
              ],
            },
          )
        }
      }
      if (content === undefined) {
        throw problem(
          'validation_failed',
          { en: 'The upload has no file part named "file".', zh: '上传内容中没有名为 "file" 的文件部分。' },
          {
            errors: [{ path: 'body/file', message: { en: 'required', zh: '为必填项' } }],
          },
        )
      }
      return { content, fields: uploadFields(values) }
    } catch (error) {
      if (content !== undefined) await store.remove([content.id])
      throw brokenBodyAsProblem(error)
    }
  }

  app.get(
    '/v1/files/:id',
    {
      config: { access: reads },
      schema: {
        tags: ['files'],
        summary: 'Get a file’s description and SHA-256',
        operationId: 'getFile',
        params: IdParams,
        response: { 200: Type.Ref('File'), ...errors },
      },
    },
    async (request) => getFile(app.database.db, principalOf(request), request.params.id),
  )

  app.get(
    '/v1/files/:id/content',
    {
      config: { access: reads },
      schema: {
        tags: ['files'],
        summary: 'Download a file’s content (streamed)',
        description:
          'The bytes as stored, with `content-type`, `content-length` and `repr-digest` (RFC 9530, its SHA-256). The content of a file erased with its dispute’s personal data is gone: 410 `file_content_erased`, with the kept `sha256`.',
        operationId: 'downloadFile',
        params: IdParams,
        response: {
          200: {
            description: 'The file’s content',
            content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } },
          },
          ...errors,
          410: problemResponse('The content was erased (`file_content_erased`); the SHA-256 is kept'),
        },
      },
    },
    async (request, reply) => {
      const { file, content } = await openContent(
        app.database.db,
        store,
        principalOf(request),
        request.params.id,
      )
      return reply
        .type(file.content_type)
        .header('content-length', file.size)
        .header('repr-digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
        .send(Readable.from(content, { objectMode: false }))
    },
  )
}

/**
 * A multipart body that ends early (the client went away) or does not parse is the client's
 * fault, not the gateway's: a 400, not a 500. Problems, the parser's own 4xx errors and
 * storage errors (which the problem handler maps) pass unchanged.
 */
function brokenBodyAsProblem(error: unknown): unknown {
  if (error instanceof ProblemError) return error
  const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string }
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) return error
  const broken =
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    code === 'ECONNRESET' ||
    /unexpected end of (form|multipart)|malformed|premature close/i.test(message ?? '')
  return broken
    ? problem('validation_failed', {
        en: 'The multipart body ended early or does not parse.',
        zh: 'multipart 请求体提前结束或无法解析。',
      })
    : error
}

/** Text that both databases keep unchanged, as every other input (`domain/storable-text.ts`). */
function checkStorable(field: string, value: string, maxLength: number, beforeThrow?: () => void): void {
  const unstorable = unstorableTextReason(value)
  const reason =
    value.length < 1 || value.length > maxLength
      ? { en: `must be 1–${maxLength} characters`, zh: `长度须为 1–${maxLength} 个字符` }
      : unstorable && { en: unstorable, zh: unstorableReasonInChinese(unstorable) }
  if (!reason) return
  beforeThrow?.()
  throw problem(
    'validation_failed',
    { en: `${field} ${reason.en}.`, zh: `${field} ${reason.zh}。` },
    { errors: [{ path: `body/${field}`, message: reason }] },
  )
}

function uploadFields(values: Record<string, string>): UploadFields {
  const purpose = values.purpose
  if (!filePurposes.includes(purpose as FilePurpose)) {
    throw problem(
      'validation_failed',
      {
        en: `purpose must be one of ${filePurposes.join(', ')}.`,
        zh: `purpose 必须是以下值之一：${filePurposes.join('、')}。`,
      },
      {
        errors: [
          {
            path: 'body/purpose',
            message:
              purpose === undefined
                ? { en: 'required', zh: '为必填项' }
                : { en: 'not an accepted purpose', zh: '不是可接受的用途' },
          },
        ],
      },
    )
  }
  return { purpose: purpose as FilePurpose, dispute_id: values.dispute_id }
}
