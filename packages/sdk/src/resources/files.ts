import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { Readable } from 'node:stream'
import type { Hejie } from '../client.js'
import type { RequestOptions } from '../internal/transport.js'
import type { EvidenceFile } from '../models.js'

export type FilePurpose = EvidenceFile['purpose']

export interface FileUploadParams {
  /** A path on disk, a Buffer, or a stream (read once, as it is sent: never held whole). */
  file: string | Buffer | Readable
  purpose: FilePurpose
  /** The dispute it is for; without one, cite it on an intake within 24 hours. */
  dispute_id?: string
  /** The name shown back; defaults to the path's base name. The type is read from the content. */
  filename?: string
}

/** What `download` gives: the content as a stream, with the description the headers carry. */
export interface FileDownload {
  content: Readable
  contentType: string
  size: number
  /** Lower-case hex SHA-256 the gateway stored (from `repr-digest`). */
  sha256: string | undefined
}

/**
 * Evidence files: upload a recording, photo or document, cite its id in `evidence` on an
 * intake or a record, read it back. Upload and download stream: neither holds a file whole.
 */
export class Files {
  constructor(private readonly client: Hejie) {}

  /** Uploads a file as multipart/form-data, its content streamed; answers the stored file with its SHA-256. */
  async upload(params: FileUploadParams, options?: RequestOptions): Promise<EvidenceFile> {
    const filename = params.filename ?? (typeof params.file === 'string' ? basename(params.file) : 'file')
    const content =
      typeof params.file === 'string'
        ? createReadStream(params.file)
        : Buffer.isBuffer(params.file)
          ? Readable.from([params.file])
          : params.file
    const boundary = `hejie-${randomBytes(12).toString('hex')}`
    const fields = {
      purpose: params.purpose,
      ...(params.dispute_id ? { dispute_id: params.dispute_id } : {}),
    }
    // The fields first, so the gateway knows them before the file streams in.
    async function* form() {
      for (const [name, value] of Object.entries(fields)) {
        yield Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        )
      }
      yield Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename.replace(/["\r\n\\]/g, '_')}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
      )
      for await (const chunk of content) yield chunk as Buffer
      yield Buffer.from(`\r\n--${boundary}--\r\n`)
    }
    const answer = await this.client.stream('POST', '/v1/files', {
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'application/json' },
      body: Readable.from(form()),
      options,
    })
    const parts: Buffer[] = []
    for await (const chunk of answer.body) parts.push(chunk as Buffer)
    return JSON.parse(Buffer.concat(parts).toString('utf8')) as EvidenceFile
  }

  retrieve(id: string, options?: RequestOptions): Promise<EvidenceFile> {
    return this.client.get('/v1/files/{id}', { path: { id }, options })
  }

  /**
   * The file's content as a stream. A file whose content was erased with its dispute's
   * personal data rejects with a `GoneError`-like `HejieError` of code `file_content_erased`.
   */
  async download(id: string, options?: RequestOptions): Promise<FileDownload> {
    const answer = await this.client.stream('GET', `/v1/files/${encodeURIComponent(id)}/content`, { options })
    const digest = /^sha-256=:([^:]+):$/.exec(answer.headers['repr-digest'] ?? '')?.[1]
    return {
      content: answer.body,
      contentType: answer.headers['content-type'] ?? 'application/octet-stream',
      size: Number(answer.headers['content-length'] ?? Number.NaN),
      sha256: digest === undefined ? undefined : Buffer.from(digest, 'base64').toString('hex'),
    }
  }
}
