import { useState } from 'preact/hooks'
import { call, get } from '../../api/client.js'
import type { ApiClient, Enterprise, List, StatsReport } from '../../api/types.js'
import { EnumSelect } from '../../components/fields.js'
import { date } from '../../components/format.js'
import { Page, Section } from '../../components/page.js'
import { Loading, ProblemNotice } from '../../components/problem.js'
import { Table } from '../../components/table.js'
import { useLoad } from '../../components/use-load.js'
import { label, t } from '../../i18n/i18n.js'
import { Link } from '../../router.js'
import { Indicators } from './dashboard.js'

export function EnterprisesPage() {
  const list = useLoad(() => get<List<Enterprise>>('/enterprises', { limit: 100 }), [])
  return (
    <Page title={t('enterprises.title')}>
      <ProblemNotice error={list.error} />
      {list.data ? (
        <Table
          caption={t('enterprises.title')}
          hideCaption
          rows={list.data.data}
          rowKey={(e) => e.id}
          columns={[
            { header: t('common.name'), cell: (e) => <Link to={`/enterprises/${e.id}`}>{e.name}</Link> },
            { header: t('enterprises.uscc'), cell: (e) => <code>{e.uscc}</code> },
            {
              header: t('enterprises.odr'),
              cell: (e) => (
                <span class={`badge badge-odr-${e.odr_status}`}>{label('odr', e.odr_status)}</span>
              ),
            },
            { header: t('enterprises.contact'), cell: (e) => `${e.contact.name} ${e.contact.phone}` },
            { header: t('common.created'), cell: (e) => date(e.created_at) },
          ]}
        />
      ) : (
        <Loading />
      )}
    </Page>
  )
}

/** One enterprise: its registration, ODR status, API clients and indicators. */
export function EnterprisePage({ id }: { id: string }) {
  const loaded = useLoad(async () => {
    const base = `/enterprises/${encodeURIComponent(id)}`
    const [enterprise, clients, stats] = await Promise.all([
      get<Enterprise>(base),
      get<List<ApiClient>>(`${base}/clients`, { limit: 100 }).catch(() => undefined),
      get<StatsReport>('/stats', { enterprise_id: id }),
    ])
    return { enterprise, clients: clients?.data ?? [], stats: stats.data[0] }
  }, [id])
  if (loaded.error) return <ProblemNotice error={loaded.error} />
  if (!loaded.data) return <Loading />
  const { enterprise, clients, stats } = loaded.data
  return (
    <Page title={enterprise.name}>
      <div class="grid">
        <Section title={t('common.details')}>
          <dl class="facts">
            <dt>{t('enterprises.uscc')}</dt>
            <dd>
              <code>{enterprise.uscc}</code>
            </dd>
            <dt>{t('enterprises.odr')}</dt>
            <dd>{label('odr', enterprise.odr_status)}</dd>
            <dt>{t('enterprises.contact')}</dt>
            <dd>
              {enterprise.contact.name} · {enterprise.contact.phone}
            </dd>
            <dt>{t('enterprises.aliases')}</dt>
            <dd>{enterprise.aliases.join(t('punct.enum')) || '—'}</dd>
          </dl>
          <OdrStatusForm enterprise={enterprise} onSaved={loaded.reload} />
        </Section>
        <Section title={t('enterprises.clients')}>
          <Table
            caption={t('enterprises.clients')}
            hideCaption
            rows={clients}
            rowKey={(c) => c.id}
            columns={[
              { header: t('common.name'), cell: (c) => c.name },
              { header: t('enterprises.clientId'), cell: (c) => <code>{c.client_id}</code> },
              {
                header: t('common.status'),
                cell: (c) => (c.revoked_at ? `${t('enterprises.revoked')} ${date(c.revoked_at)}` : '—'),
              },
            ]}
          />
        </Section>
      </div>
      <Section title={t('enterprises.indicators')}>
        <Indicators group={stats} />
      </Section>
    </Page>
  )
}

/** 动态退出: suspending or removing an enterprise from the programme stops new disputes reaching it. */
function OdrStatusForm(props: { enterprise: Enterprise; onSaved: () => void }) {
  const [error, setError] = useState<unknown>()
  const [saved, setSaved] = useState(false)
  return (
    <form
      class="inline"
      onSubmit={async (event) => {
        event.preventDefault()
        setError(undefined)
        setSaved(false)
        const odrStatus = String(new FormData(event.currentTarget).get('odr_status'))
        try {
          await call(`/enterprises/${encodeURIComponent(props.enterprise.id)}`, {
            method: 'PATCH',
            body: { odr_status: odrStatus },
          })
          setSaved(true)
          props.onSaved()
        } catch (e) {
          setError(e)
        }
      }}
    >
      <EnumSelect
        label={t('enterprises.odr')}
        name="odr_status"
        required
        group="odr"
        values={['active', 'suspended', 'exited']}
        value={props.enterprise.odr_status}
      />
      <button type="submit">{t('common.save')}</button>
      {saved ? (
        <span class="muted" role="status">
          {t('common.done')}
        </span>
      ) : null}
      <ProblemNotice error={error} />
    </form>
  )
}
