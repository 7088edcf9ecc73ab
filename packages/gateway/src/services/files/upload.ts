import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import {
  claimedKind,
  type FileKind,
  type FilePurpose,
  mediaTypes,
  SNIFF_BYTES,
  sniff,
} from '../../domain/file-types.js'
import { newId } from '../../domain/ids.js'
import type { Localized } from '../../domain/localized.js'
import type { Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { FileStore } from '../../storage/file-store.js'
import type { FileTable } from '../../storage/schema.js'
import { findVisibleDispute } from '../disputes/queries.js'
import { runDisputeWrite } from '../disputes/timeline-write.js'
import { requestHash, type WriteContext, type WriteOutcome } from '../write/index.js'
import { CHUNK_BYTES, MAX_FILE_BYTES } from './limits.js'
import { type FileView, presentFile } from './presenter.js'

/** A file part of a multipart request, as it arrives. */
export interface IncomingFile {
  stream: Readable
  filename: string
  mimetype: string | undefined
}

/** What was stored of an upload, before its row is written. */
export interface StoredContent {
  id: string
  kind: FileKind
  size: number
  sha256: string
  chunks: number
  filename: string
  createdAt: string
}

/**
 * Stores an upload's content as it streams in: cut into chunks, hashed, its type recognised
 * from its first bytes and its size counted on the way. The file has no row yet, so nobody
 * can see it; if anything goes wrong (too large, wrong type, the client goes away) its chunks
 * are deleted and the error is thrown, so a refused upload leaves nothing behind.
 */
export async function storeContent(
  store: FileStore,
  incoming: IncomingFile,
  createdAt: string,
): Promise<StoredContent> {
  const id = newId('fil', Date.parse(createdAt))
  const hash = createHash('sha256')
  let size = 0
  let kind: FileKind | null = null
  const claim = claimedKind(incoming.mimetype)
  const claimed: FileKind | undefined = claim ?? undefined

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let pending: Buffer[] = []
    let pendingBytes = 0
    for await (const piece of incoming.stream as AsyncIterable<Buffer>) {
      size += piece.length
      if (size > MAX_FILE_BYTES) throw tooLarge()
      hash.update(piece)
      pending.push(piece)
      pendingBytes += piece.length
      if (kind === null && pendingBytes >= SNIFF_BYTES) kind = recognise(Buffer.concat(pending), claimed)
      while (pendingBytes >= CHUNK_BYTES) {
        const joined = Buffer.concat(pending)
        yield joined.subarray(0, CHUNK_BYTES)
        const rest = joined.subarray(CHUNK_BYTES)
        pending = rest.length > 0 ? [rest] : []
        pendingBytes = rest.length
      }
    }
    // @fastify/multipart stops a file at its size limit and marks it truncated.
    if ((incoming.stream as Readable & { truncated?: boolean }).truncated) throw tooLarge()
    if (kind === null) kind = recognise(Buffer.concat(pending), claimed)
    if (pendingBytes > 0) yield Buffer.concat(pending)
  }

  try {
    if (claim === null)
      throw unsupportedType({
        en: `The claimed type ${incoming.mimetype} is not accepted.`,
        zh: `不接受声明的类型 ${incoming.mimetype}。`,
      })
    const stored = await store.write(id, chunks(), createdAt)
    return {
      id,
      kind: kind as unknown as FileKind,
      size,
      sha256: hash.digest('hex'),
      chunks: stored,
      filename: incoming.filename,
      createdAt,
    }
  } catch (error) {
    // Whatever stops the upload, the request's remaining bytes are read and dropped, so the
    // answer reaches the client, and what was stored goes.
    incoming.stream.resume()
    await store.remove([id])
    throw (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge() : error
  }
}

/** The kind of the content, which must be one we accept and, if the client named one, that one. */
function recognise(head: Buffer, claimed: FileKind | undefined): FileKind {
  const kind = sniff(head.subarray(0, SNIFF_BYTES))
  if (kind === null) {
    throw unsupportedType({
      en: 'The content is none of the accepted types (checked by its first bytes).',
      zh: '文件内容不属于任何可接受的类型（按文件开头的字节判断）。',
    })
  }
  if (claimed !== undefined && claimed !== kind) {
    throw unsupportedType({
      en: `The file is sent as ${mediaTypes[claimed]} but its content is ${mediaTypes[kind]}.`,
      zh: `文件声明的类型是 ${mediaTypes[claimed]}，但内容是 ${mediaTypes[kind]}。`,
    })
  }
  return kind
}

function unsupportedType(detail: Localized) {
  const accepted = 'pdf, jpeg, png, webp, mp3, m4a, amr, wav'
  return problem(
    'unsupported_file_type',
    {
      en: `${detail.en} Accepted: ${accepted}.`,
      zh: `${detail.zh}可接受的类型：${accepted}。`,
    },
    {
      extensions: { accepted_types: Object.values(mediaTypes) },
    },
  )
}

function tooLarge() {
  return problem(
    'file_too_large',
    {
      en: `The file is larger than ${MAX_FILE_BYTES} bytes (10 MiB), the limit.`,
      zh: `文件超过了 ${MAX_FILE_BYTES} 字节（10 MiB）的上限。`,
    },
    {
      extensions: { limit_bytes: MAX_FILE_BYTES },
    },
  )
}

/** The form fields of an upload besides the file. */
export interface UploadFields {
  purpose: FilePurpose
  dispute_id?: string | undefined
}

/**
 * Commits a stored upload: its row, and for a file sent with a dispute, an audit entry (with
 * the file's SHA-256) on that dispute's timeline. An unbound file enters the log with the
 * intake that cites it. The content stays only if this commits.
 */
export async function commitUpload(
  database: Database,
  store: FileStore,
  context: WriteContext & { actor: Principal },
  content: StoredContent,
  fields: UploadFields,
): Promise<WriteOutcome<FileView>> {
  const described = {
    purpose: fields.purpose,
    dispute_id: fields.dispute_id ?? null,
    filename: content.filename,
    size: content.size,
    sha256: content.sha256,
  }
  // The same key with the same file (same hash) and fields replays; with another file it is reused.
  const idempotency = context.idempotency && {
    key: context.idempotency.key,
    requestHash: requestHash('POST', '/v1/files', described),
  }
  try {
    const outcome = await runDisputeWrite(database, { ...context, idempotency }, async (tx) => {
      const dispute =
        fields.dispute_id === undefined
          ? null
          : await findVisibleDispute(tx.db, context.actor, fields.dispute_id)
      const row: FileTable = {
        id: content.id,
        ...described,
        dispute_id: dispute?.id ?? null,
        uploaded_by: context.actor.clientId,
        content_type: mediaTypes[content.kind],
        chunks: content.chunks,
        created_at: content.createdAt,
        erased_at: null,
      }
      await tx.db.insertInto('files').values(row).execute()
      const view = presentFile(row)
      if (dispute) {
        const evidence = [{ file_id: row.id, sha256: row.sha256 }]
        tx.audit({
          action: 'file.uploaded',
          disputeId: dispute.id,
          enterpriseId: dispute.assignee_id,
          jurisdictionId: dispute.jurisdiction_id,
          objectId: row.id,
          state: view,
          details: { purpose: row.purpose, content_type: row.content_type, size: row.size, evidence },
          evidence,
        })
      }
      return { status: 201, body: view }
    })
    if (outcome.replayed) await store.remove([content.id])
    return outcome
  } catch (error) {
    await store.remove([content.id])
    throw error
  }
}
