import type { Kysely } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import { ProblemError, problem } from '../../errors.js'
import type { FileStore } from '../../storage/file-store.js'
import type { FileTable, Schema } from '../../storage/schema.js'
import { findVisibleDispute } from '../disputes/queries.js'
import { type FileView, presentFile } from './presenter.js'

/**
 * A file the caller may see: one of a dispute it may see (the dispute's own rules decide), or
 * one it uploaded that no dispute holds yet. Any other file is not found, as another tenant's
 * dispute is.
 */
export async function findVisibleFile(
  db: Kysely<Schema>,
  principal: Principal,
  id: string,
): Promise<FileTable> {
  const row = await db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst()
  const missing = () => problem('not_found', { en: `No file ${id}.`, zh: `文件 ${id} 不存在。` })
  if (!row) throw missing()
  if (row.dispute_id === null) {
    if (row.uploaded_by !== principal.clientId) throw missing()
    return row
  }
  try {
    await findVisibleDispute(db, principal, row.dispute_id)
  } catch (error) {
    // A dispute the caller may not see hides its files; a database out of reach stays a 503.
    if (error instanceof ProblemError && error.code === 'not_found') throw missing()
    throw error
  }
  return row
}

export async function getFile(db: Kysely<Schema>, principal: Principal, id: string): Promise<FileView> {
  return presentFile(await findVisibleFile(db, principal, id))
}

/** A visible file and its content, chunk by chunk; an erased file's content is gone (410). */
export async function openContent(
  db: Kysely<Schema>,
  store: FileStore,
  principal: Principal,
  id: string,
): Promise<{ file: FileTable; content: AsyncIterable<Uint8Array> }> {
  const file = await findVisibleFile(db, principal, id)
  if (file.erased_at !== null) {
    throw problem(
      'file_content_erased',
      {
        en: `The content of ${id} was erased on ${file.erased_at}; its SHA-256 is kept.`,
        zh: `文件 ${id} 的内容已于 ${file.erased_at} 清除，仅保留其 SHA-256 哈希值。`,
      },
      {
        extensions: { sha256: file.sha256, erased_at: file.erased_at },
      },
    )
  }
  return { file, content: store.read(file.id, file.chunks) }
}
