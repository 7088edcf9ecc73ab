import { ApiError } from '../api/client.js'
import { t } from '../i18n/i18n.js'

/** An API error shown as the gateway phrased it: its title, its detail, each field error. */
export function ProblemNotice({ error }: { error: unknown }) {
  if (!error) return null
  if (!(error instanceof ApiError)) {
    return (
      <div class="notice notice-error" role="alert">
        {error instanceof Error ? error.message : String(error)}
      </div>
    )
  }
  const { problem } = error
  return (
    <div class="notice notice-error" role="alert">
      <strong>{problem.title}</strong>
      {problem.detail ? <p>{problem.detail}</p> : null}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.path}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.request_id ? <p class="muted">{t('common.requestId', { id: problem.request_id })}</p> : null}
    </div>
  )
}

export function Loading() {
  return (
    <p class="muted" role="status">
      {t('common.loading')}
    </p>
  )
}
