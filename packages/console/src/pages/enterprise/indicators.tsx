import { get } from '../../api/client.js'
import type { StatsReport } from '../../api/types.js'
import { percent } from '../../components/format.js'
import { Page, Section } from '../../components/page.js'
import { Loading, ProblemNotice } from '../../components/problem.js'
import { Table } from '../../components/table.js'
import { useLoad } from '../../components/use-load.js'
import { t } from '../../i18n/i18n.js'
import { Indicators } from '../bureau/dashboard.js'

/** The holder's own indicators, as the bureau sees them: /v1/stats answers with the caller's own. */
export function IndicatorsPage() {
  const loaded = useLoad(async () => {
    const [totals, monthly] = await Promise.all([
      get<StatsReport>('/stats'),
      get<StatsReport>('/stats', { group_by: 'month' }),
    ])
    return { totals: totals.data[0], months: monthly.data }
  }, [])
  return (
    <Page title={t('indicators.title')}>
      <ProblemNotice error={loaded.error} />
      {loaded.data ? (
        <>
          <Section title={t('dashboard.totals')}>
            <Indicators group={loaded.data.totals} />
          </Section>
          <Section title={t('dashboard.month')}>
            <Table
              caption={t('dashboard.month')}
              hideCaption
              rows={loaded.data.months}
              rowKey={(m) => m.group ?? ''}
              columns={[
                { header: t('dashboard.month'), cell: (m) => m.group },
                { header: t('indicator.received'), numeric: true, cell: (m) => m.received },
                {
                  header: t('indicator.settlement_rate'),
                  numeric: true,
                  cell: (m) => percent(m.settlement_rate),
                },
                { header: t('indicator.on_time_rate'), numeric: true, cell: (m) => percent(m.on_time_rate) },
                {
                  header: t('indicator.response_rate'),
                  numeric: true,
                  cell: (m) => percent(m.response_rate),
                },
                { header: t('indicator.urged'), numeric: true, cell: (m) => m.urged },
              ]}
            />
          </Section>
        </>
      ) : loaded.loading ? (
        <Loading />
      ) : null}
    </Page>
  )
}
