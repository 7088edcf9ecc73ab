import { call, type Query } from './client.js'
import type { EvidenceFile } from './types.js'

/** Uploads one evidence file (multipart, as POST /v1/files takes it). */
export async function uploadFile(
  file: File,
  purpose: EvidenceFile['purpose'],
  disputeId: string,
): Promise<EvidenceFile> {
  const form = new FormData()
  form.append('purpose', purpose)
  form.append('dispute_id', disputeId)
  form.append('file', file)
  return (await call('/files', { method: 'POST', body: form })).json() as Promise<EvidenceFile>
}

/** A file's content as a blob URL, for <img> and <audio>: the content needs the Bearer token. */
export async function fileBlobUrl(id: string): Promise<string> {
  const response = await call(`/files/${encodeURIComponent(id)}/content`, { accept: '*/*' })
  return URL.createObjectURL(await response.blob())
}

/** Saves a response as a download, through a blob: the browser cannot attach the token to a plain link. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const anchor = document.createElement('a')
  anchor.href = url
  anchor.download = filename
  document.body.append(anchor)
  anchor.click()
  anchor.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A CSV export of a list endpoint (disputes, stats, rankings), in the console's language. */
export async function downloadCsv(path: string, query: Query, filename: string, lang: string): Promise<void> {
  const response = await call(path, { query: { ...query, lang }, accept: 'text/csv' })
  saveBlob(await response.blob(), filename)
}
