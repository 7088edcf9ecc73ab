import { useState } from 'preact/hooks'
import { get, post } from '../../api/client.js'
import type { List, WebhookDelivery, WebhookEndpoint } from '../../api/types.js'
import { dateTime } from '../../components/format.js'
import { Page, Section } from '../../components/page.js'
import { Loading, ProblemNotice } from '../../components/problem.js'
import { Table } from '../../components/table.js'
import { useLoad } from '../../components/use-load.js'
import { label, t } from '../../i18n/i18n.js'
import { Link } from '../../router.js'

export function WebhooksPage() {
  const list = useLoad(() => get<List<WebhookEndpoint>>('/webhook-endpoints', { limit: 100 }), [])
  return (
    <Page title={t('webhooks.title')}>
      <ProblemNotice error={list.error} />
      {list.data ? (
        <Table
          caption={t('webhooks.title')}
          hideCaption
          rows={list.data.data}
          rowKey={(e) => e.id}
          empty={t('webhooks.none')}
          columns={[
            { header: t('webhooks.url'), cell: (e) => <Link to={`/webhooks/${e.id}`}>{e.url}</Link> },
            { header: t('webhooks.events'), cell: (e) => e.event_types.join(', ') },
            { header: t('common.status'), cell: (e) => label('endpoint', e.status) },
            { header: t('common.created'), cell: (e) => dateTime(e.created_at) },
          ]}
        />
      ) : (
        <Loading />
      )}
    </Page>
  )
}

/** An endpoint and its deliveries, newest first, each failed one with a retry button. */
export function WebhookEndpointPage({ id }: { id: string }) {
  const loaded = useLoad(async () => {
    const base = `/webhook-endpoints/${encodeURIComponent(id)}`
    const [endpoint, deliveries] = await Promise.all([
      get<WebhookEndpoint>(base),
      get<List<WebhookDelivery>>(`${base}/deliveries`, { limit: 100 }),
    ])
    return { endpoint, deliveries: deliveries.data }
  }, [id])
  const [error, setError] = useState<unknown>()
  const [done, setDone] = useState<string>()
  if (loaded.error) return <ProblemNotice error={loaded.error} />
  if (!loaded.data) return <Loading />
  const retry = async (delivery: WebhookDelivery) => {
    setError(undefined)
    try {
      await post(`/webhook-deliveries/${encodeURIComponent(delivery.id)}/retry`, {})
      setDone(t('webhooks.retried'))
      loaded.reload()
    } catch (e) {
      setError(e)
    }
  }
  const { endpoint, deliveries } = loaded.data
  return (
    <Page title={endpoint.url}>
      <dl class="facts panel">
        <dt>{t('common.status')}</dt>
        <dd>
          {label('endpoint', endpoint.status)}
          {endpoint.disabled_reason ? ` · ${endpoint.disabled_reason}` : ''}
        </dd>
        <dt>{t('webhooks.events')}</dt>
        <dd>{endpoint.event_types.join(', ')}</dd>
      </dl>
      {done ? (
        <p class="notice notice-ok" role="status">
          {done}
        </p>
      ) : null}
      <ProblemNotice error={error} />
      <Section title={t('webhooks.deliveries')}>
        <Table
          caption={t('webhooks.deliveries')}
          hideCaption
          rows={deliveries}
          rowKey={(d) => d.id}
          columns={[
            { header: t('webhooks.event'), cell: (d) => <code>{d.event_id}</code> },
            { header: t('common.status'), cell: (d) => label('delivery', d.status) },
            { header: t('webhooks.attempts'), numeric: true, cell: (d) => d.attempts.length },
            {
              header: t('webhooks.lastStatus'),
              cell: (d) => {
                const last = d.attempts.at(-1)
                return last ? `${last.status_code ?? last.error ?? '—'} · ${dateTime(last.started_at)}` : '—'
              },
            },
            {
              header: t('common.actions'),
              cell: (d) =>
                // A delivery still retrying on its schedule may be tried now too, as one that gave up.
                d.status !== 'succeeded' ? (
                  <button type="button" onClick={() => retry(d)}>
                    {t('webhooks.retry')} <span class="visually-hidden">{d.event_id}</span>
                  </button>
                ) : null,
            },
          ]}
        />
      </Section>
    </Page>
  )
}
