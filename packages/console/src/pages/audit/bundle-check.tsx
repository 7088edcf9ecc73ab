import { useState } from 'preact/hooks'
import { type Verdict, verifyBundle } from '../../audit/web-audit.js'
import { FileField } from '../../components/fields.js'
import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

/** Checks an export bundle chosen from disk, in the page: the file is read as a stream, never uploaded. */
export function BundleCheckPage() {
  const [progress, setProgress] = useState<number>()
  const [verdict, setVerdict] = useState<Verdict & { entries?: number }>()
  const [busy, setBusy] = useState(false)
  const submit = async (event: Event) => {
    event.preventDefault()
    const file = new FormData(event.currentTarget as HTMLFormElement).get('bundle')
    if (!(file instanceof File) || file.size === 0) return
    setBusy(true)
    setVerdict(undefined)
    setProgress(0)
    try {
      setVerdict(await verifyBundle(file, (p) => setProgress(p.entries ?? 0)))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Page title={t('audit.bundleTitle')}>
      <p>{t('audit.bundleIntro')}</p>
      <form class="panel" onSubmit={submit}>
        <FileField
          label={t('audit.bundleFile')}
          name="bundle"
          required
          accept=".ndjson,.jsonl,application/x-ndjson"
        />
        <button type="submit" class="primary" disabled={busy}>
          {t('audit.verify')}
        </button>
      </form>
      <div aria-live="polite">
        {progress !== undefined && busy ? (
          <p class="muted">{t('audit.bundleProgress', { n: progress })}</p>
        ) : null}
        {verdict ? (
          <p
            class={`notice ${verdict.state === 'ok' ? 'notice-ok' : verdict.state === 'failed' ? 'notice-error' : ''}`}
            data-verdict={verdict.state}
          >
            {verdict.state === 'ok'
              ? `✓ ${t('audit.bundleOk', { n: verdict.entries ?? 0 })}`
              : verdict.state === 'failed'
                ? `✗ ${t('audit.bundleFailed', { message: verdict.message })}`
                : t('audit.unavailable')}
          </p>
        ) : null}
      </div>
    </Page>
  )
}
