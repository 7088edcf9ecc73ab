import type { FileTable } from '../../storage/schema.js'

/** The API object of an evidence file. */
export function presentFile(row: FileTable) {
  return {
    id: row.id,
    object: 'file' as const,
    purpose: row.purpose,
    dispute_id: row.dispute_id,
    filename: row.filename,
    content_type: row.content_type,
    size: row.size,
    sha256: row.sha256,
    created_at: row.created_at,
    content_erased_at: row.erased_at,
  }
}

export type FileView = ReturnType<typeof presentFile>
