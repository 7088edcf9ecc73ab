import { useEffect, useState } from 'preact/hooks'
import { call, get } from '../api/client.js'
import { fileBlobUrl, saveBlob } from '../api/files.js'
import type { EvidenceFile } from '../api/types.js'
import { label, t } from '../i18n/i18n.js'
import { ProblemNotice } from './problem.js'

/** A list of evidence files by id, each with its kind, size and hash, previewed on request. */
export function EvidenceList({ ids }: { ids: string[] }) {
  if (ids.length === 0) return null
  return (
    <ul class="evidence">
      {ids.map((id) => (
        <EvidenceItem key={id} id={id} />
      ))}
    </ul>
  )
}

function EvidenceItem({ id }: { id: string }) {
  const [file, setFile] = useState<EvidenceFile>()
  const [preview, setPreview] = useState<string>()
  const [error, setError] = useState<unknown>()
  useEffect(() => {
    get<EvidenceFile>(`/files/${encodeURIComponent(id)}`).then(setFile, setError)
  }, [id])
  // The blob URL holds the file in memory: release it when the item goes away.
  useEffect(() => () => preview && URL.revokeObjectURL(preview), [preview])
  if (error)
    return (
      <li>
        <ProblemNotice error={error} />
      </li>
    )
  if (!file) return <li class="muted">{id}</li>
  const previewable = /^(image|audio)\//.test(file.content_type)
  const show = async () => {
    try {
      setPreview(await fileBlobUrl(file.id))
    } catch (e) {
      setError(e)
    }
  }
  const download = async () => {
    try {
      const response = await call(`/files/${encodeURIComponent(file.id)}/content`, { accept: '*/*' })
      saveBlob(await response.blob(), file.filename)
    } catch (e) {
      setError(e)
    }
  }
  return (
    <li>
      <span>{file.filename}</span>{' '}
      <span class="muted">
        {label('purpose', file.purpose)} · {file.content_type} ·{' '}
        {t('evidence.size', { size: Math.ceil(file.size / 1024) })}
      </span>{' '}
      <code class="muted" title="SHA-256">
        {file.sha256.slice(0, 16)}…
      </code>{' '}
      {previewable && !preview && !file.content_erased_at ? (
        <button type="button" class="link" onClick={show}>
          {t('evidence.preview')} <span class="visually-hidden">{file.filename}</span>
        </button>
      ) : null}
      {file.content_erased_at ? null : (
        <button type="button" class="link" onClick={download}>
          {t('evidence.download')} <span class="visually-hidden">{file.filename}</span>
        </button>
      )}
      {preview ? (
        <div class="preview">
          {file.content_type.startsWith('image/') ? (
            <img src={preview} alt={file.filename} />
          ) : (
            // biome-ignore lint/a11y/useMediaCaption: a consumer's phone recording has no captions to offer
            <audio controls src={preview} aria-label={file.filename} />
          )}
        </div>
      ) : null}
    </li>
  )
}
