import type { ComponentChildren } from 'preact'
import { useEffect, useId } from 'preact/hooks'
import { t } from '../i18n/i18n.js'

/** A page: its one h1, and the window title that says where the user is. */
export function Page(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · ${t('app.title')}`
  }, [props.title])
  return (
    <>
      <div class="page-head">
        <h1>{props.title}</h1>
        {props.actions ? <div class="page-actions">{props.actions}</div> : null}
      </div>
      {props.children}
    </>
  )
}

export function Section(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const id = useId()
  return (
    <section class="panel" aria-labelledby={id}>
      <div class="panel-head">
        <h2 id={id}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  )
}
