import { useState } from 'preact/hooks'
import { get, post } from '../../api/client.js'
import type { DispatchPreview, Dispute, List } from '../../api/types.js'
import { StatusBadge } from '../../components/badges.js'
import { date, money } from '../../components/format.js'
import { Page } from '../../components/page.js'
import { Loading, ProblemNotice } from '../../components/problem.js'
import { useLoad } from '../../components/use-load.js'
import { label, t } from '../../i18n/i18n.js'
import { Link } from '../../router.js'
import { session } from '../../session/session.js'
import { AssigneeField, assignBody, assignTargets } from '../shared/dispute-actions.js'

interface Waiting {
  dispute: Dispute
  /** What the dispatcher would do with this complaint now, and why; absent if it cannot say. */
  preview: DispatchPreview | undefined
}

/** The intake body of a waiting dispute, for the preview: the same facts the dispatcher saw. */
function intakeOf(d: Dispute) {
  return {
    external_ref: d.external_ref,
    channel: d.channel,
    consumer: { name: d.consumer.name ?? '—', phone: d.consumer.phone ?? '00000' },
    problem_type: d.problem_type,
    ...(d.category ? { category: d.category } : {}),
    claim: d.claim,
    ...(d.respondent ? { respondent: d.respondent } : {}),
    jurisdiction_id: d.jurisdiction_id,
  }
}

async function loadQueue(): Promise<{ waiting: Waiting[]; names: Map<string, string> }> {
  const [awaiting, returned, targets] = await Promise.all([
    get<List<Dispute>>('/disputes', { awaiting_dispatch: true, limit: 100 }),
    get<List<Dispute>>('/disputes', { status: 'returned', limit: 100 }),
    assignTargets(),
  ])
  const disputes = [...awaiting.data, ...returned.data]
  // The preview is the bureau's (a centre's client may not call it): without it, choose by hand.
  const regulator = session()?.principal.role === 'regulator'
  const waiting = await Promise.all(
    disputes.map(async (dispute) => ({
      dispute,
      preview: regulator
        ? await post<DispatchPreview>('/dispatch/preview', intakeOf(dispute)).catch(() => undefined)
        : undefined,
    })),
  )
  const names = new Map(targets.map((o) => [o.value, o.label]))
  return { waiting, names }
}

export function DispatchQueuePage() {
  const queue = useLoad(loadQueue, [])
  const [done, setDone] = useState<string>()
  return (
    <Page title={t('dispatch.title')}>
      <p class="muted">{t('dispatch.intro')}</p>
      {done ? (
        <p class="notice notice-ok" role="status">
          {done}
        </p>
      ) : null}
      <ProblemNotice error={queue.error} />
      {queue.data ? (
        queue.data.waiting.length === 0 ? (
          <p>{t('dispatch.empty')}</p>
        ) : (
          queue.data.waiting.map((w) => (
            <WaitingDispute
              key={w.dispute.id}
              waiting={w}
              names={queue.data?.names ?? new Map()}
              onAssigned={(name) => {
                setDone(t('dispatch.assigned', { name }))
                queue.reload()
              }}
            />
          ))
        )
      ) : (
        <Loading />
      )}
    </Page>
  )
}

function WaitingDispute(props: {
  waiting: Waiting
  names: Map<string, string>
  onAssigned: (name: string) => void
}) {
  const { dispute, preview } = props.waiting
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const options = [...props.names.entries()]
  // A preview that lands on a centre again is no suggestion: the centre is where it waits.
  // Nor is the holder that just returned it.
  const suggestion =
    preview && preview.routing.matched_by !== 'fallback' && preview.assignee.id !== dispute.assignee.id
      ? preview.assignee
      : undefined
  const suggestionKey = suggestion ? `${suggestion.type}:${suggestion.id}` : undefined
  const assign = async (key: string) => {
    setBusy(true)
    setError(undefined)
    try {
      await post(`/disputes/${encodeURIComponent(dispute.id)}/assign`, assignBody(key), dispute.version)
      props.onAssigned(props.names.get(key) ?? key)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <article class="panel" aria-labelledby={`w-${dispute.id}`}>
      <div class="panel-head">
        <h2 id={`w-${dispute.id}`}>
          <Link to={`/disputes/${dispute.id}`}>{dispute.external_ref}</Link>{' '}
          <StatusBadge status={dispute.status} />
        </h2>
        <span class="muted">
          {date(dispute.received_at)} · {label('channel', dispute.channel)}
        </span>
      </div>
      <dl class="facts">
        <dt>{t('dispute.respondent')}</dt>
        <dd>{dispute.respondent?.name ?? '—'}</dd>
        <dt>{t('dispute.problem')}</dt>
        <dd>
          {label('problem', dispute.problem_type)} · {dispute.claim.description}
          {dispute.claim.amount ? ` · ${money(dispute.claim.amount)}` : ''}
        </dd>
        <dt>{t('dispute.routing')}</dt>
        <dd>
          {dispute.routing
            ? `${label('matchedBy', dispute.routing.matched_by)}${t('punct.colon')}${dispute.routing.explanation}`
            : '—'}
        </dd>
        <dt>{t('dispatch.suggestion')}</dt>
        <dd>
          {suggestion && preview ? (
            <>
              <strong>{props.names.get(suggestionKey ?? '') ?? suggestion.id}</strong>（
              {label('matchedBy', preview.routing.matched_by)}）
              <br />
              <span class="muted">
                {t('dispatch.why')}
                {t('punct.colon')}
                {preview.routing.explanation}
              </span>
            </>
          ) : (
            t('dispatch.noSuggestion')
          )}
        </dd>
      </dl>
      <div class="page-actions">
        {suggestionKey ? (
          <button type="button" class="primary" disabled={busy} onClick={() => assign(suggestionKey)}>
            {t('dispatch.assignSuggested', { name: props.names.get(suggestionKey) ?? suggestion?.id ?? '' })}
          </button>
        ) : null}
        <form
          class="inline"
          onSubmit={(event) => {
            event.preventDefault()
            const value = String(new FormData(event.currentTarget).get('target') ?? '')
            if (value) void assign(value)
          }}
        >
          <AssigneeField options={options.map(([value, label]) => ({ value, label }))} />
          <button type="submit" disabled={busy}>
            {t('dispatch.assign')}
          </button>
        </form>
      </div>
      <ProblemNotice error={error} />
    </article>
  )
}
