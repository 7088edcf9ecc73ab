import { useEffect, useRef, useState } from 'preact/hooks'
import { TextField } from '../components/fields.js'
import { t } from '../i18n/i18n.js'
import { type ConsoleSession, type EndReason, SignInError, signIn } from './session.js'

const reasons: Record<EndReason, 'session.timedOut' | 'session.ended' | 'session.signedOut'> = {
  timed_out: 'session.timedOut',
  ended: 'session.ended',
  signed_out: 'session.signedOut',
}

export function SignInPage(props: {
  reason?: EndReason | undefined
  onSignedIn: (s: ConsoleSession) => void
}) {
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${t('signin.title')} · ${t('app.title')}`
    heading.current?.focus()
  }, [])
  const submit = async (event: Event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const data = new FormData(form)
    setBusy(true)
    setError(undefined)
    try {
      const session = await signIn(String(data.get('client_id')), String(data.get('client_secret')))
      form.reset() // the secret leaves the page's memory with the form
      props.onSignedIn(session)
    } catch (e) {
      setError(e instanceof SignInError && e.message === 'invalid_client' ? t('signin.failed') : String(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <main id="main" class="sign-in">
      <h1 tabIndex={-1} ref={heading}>
        {t('signin.title')}
      </h1>
      {props.reason ? (
        <p class="notice" role="status">
          {t(reasons[props.reason])}
        </p>
      ) : null}
      <p class="muted">{t('signin.hint')}</p>
      <form onSubmit={submit}>
        <TextField label={t('signin.clientId')} name="client_id" required autocomplete="username" />
        <TextField
          label={t('signin.secret')}
          name="client_secret"
          type="password"
          required
          autocomplete="current-password"
        />
        {error ? (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
    </main>
  )
}
