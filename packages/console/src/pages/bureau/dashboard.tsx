import { useMemo, useState } from 'preact/hooks'
import { get } from '../../api/client.js'
import { downloadCsv } from '../../api/files.js'
import type {
  Dispute,
  List,
  Ranking,
  RankingMetric,
  RiskSignal,
  StatsGroup,
  StatsReport,
} from '../../api/types.js'
import { deadlineState } from '../../components/badges.js'
import { Chart, ChartKey, type Series } from '../../components/chart.js'
import { byUrgency, DisputeTable } from '../../components/dispute-table.js'
import { decimal, money, percent } from '../../components/format.js'
import { Page, Section } from '../../components/page.js'
import { Loading, ProblemNotice } from '../../components/problem.js'
import { Table } from '../../components/table.js'
import { useLoad } from '../../components/use-load.js'
import { label, language, t } from '../../i18n/i18n.js'
import { navigate, useLocation } from '../../router.js'
import { apiWindow, type Period, periodOf } from './period.js'

/** Every number here is the gateway's (/v1/stats, rankings, risk signals), shown, not recomputed. */
async function loadDashboard(period: Period, metric: RankingMetric) {
  const window = apiWindow(period)
  const [totals, monthly, ranking, signals, overdue, open] = await Promise.all([
    get<StatsReport>('/stats', window),
    get<StatsReport>('/stats', { ...window, group_by: 'month' }),
    get<Ranking>('/stats/rankings', { ...window, metric, min_concluded: 0 }),
    get<List<RiskSignal>>('/risk-signals', { ...window, limit: 20 }),
    get<List<Dispute>>('/disputes', { overdue: true, limit: 20 }),
    get<List<Dispute>>('/disputes', { status: ['assigned', 'in_progress'], overdue: false, limit: 100 }),
  ])
  const soon = open.data.filter((d) => deadlineState(d) === 'soon')
  return {
    totals: totals.data[0],
    months: monthly.data,
    ranking,
    signals: signals.data,
    urgent: byUrgency([...overdue.data, ...soon]).slice(0, 20),
  }
}

const kpis: { key: keyof StatsGroup; format: (g: StatsGroup) => string }[] = [
  { key: 'received', format: (g) => String(g.received) },
  { key: 'settled', format: (g) => String(g.settled) },
  { key: 'overdue', format: (g) => String(g.overdue) },
  { key: 'urged', format: (g) => String(g.urged) },
  { key: 'settlement_rate', format: (g) => percent(g.settlement_rate) },
  { key: 'on_time_rate', format: (g) => percent(g.on_time_rate) },
  { key: 'response_rate', format: (g) => percent(g.response_rate) },
  { key: 'satisfaction_rate', format: (g) => percent(g.satisfaction_rate) },
  { key: 'avg_handling_hours', format: (g) => decimal(g.avg_handling_hours) },
  { key: 'refunded', format: (g) => money(g.refunded) },
]

export function Indicators({ group }: { group: StatsGroup | undefined }) {
  if (!group) return null
  return (
    <dl class="kpis">
      {kpis.map((k) => (
        <div key={k.key}>
          <dt>{t(`indicator.${k.key}` as 'indicator.received')}</dt>
          <dd data-indicator={k.key}>{k.format(group)}</dd>
        </div>
      ))}
    </dl>
  )
}

const metrics: RankingMetric[] = [
  'settlement_rate',
  'on_time_rate',
  'response_rate',
  'avg_handling_hours',
  'received',
]

export function DashboardPage() {
  const { query } = useLocation()
  const period = periodOf(query)
  const metric = (query.get('metric') as RankingMetric | null) ?? 'settlement_rate'
  const loaded = useLoad(() => loadDashboard(period, metric), [period.from, period.to, metric])
  const [csvError, setCsvError] = useState<unknown>()
  const csv = (path: string, extra: Record<string, string>, name: string) =>
    downloadCsv(path, { ...apiWindow(period), ...extra }, name, language()).catch(setCsvError)

  return (
    <Page title={t('dashboard.title')}>
      <form
        class="inline panel"
        onSubmit={(event) => {
          event.preventDefault()
          const data = new FormData(event.currentTarget)
          navigate('/dashboard', { from: String(data.get('from')), to: String(data.get('to')), metric })
        }}
      >
        <div class="field">
          <label for="period-from">{t('dashboard.from')}</label>
          <input
            id="period-from"
            name="from"
            type="date"
            required
            defaultValue={period.from}
            key={`f${period.from}`}
          />
        </div>
        <div class="field">
          <label for="period-to">{t('dashboard.to')}</label>
          <input
            id="period-to"
            name="to"
            type="date"
            required
            defaultValue={period.to}
            key={`t${period.to}`}
          />
        </div>
        <button type="submit" class="primary">
          {t('dashboard.apply')}
        </button>
        <button
          type="button"
          onClick={() => csv('/stats', { group_by: 'month' }, `stats-${period.from}-${period.to}.csv`)}
        >
          {t('common.csv')}
        </button>
      </form>
      <ProblemNotice error={loaded.error ?? csvError} />
      {loaded.data ? (
        <>
          <Section title={t('dashboard.totals')}>
            <Indicators group={loaded.data.totals} />
          </Section>
          <Section title={t('dashboard.urgent')}>
            <DisputeTable caption={t('dashboard.urgent')} hideCaption disputes={loaded.data.urgent} />
          </Section>
          <Monthly months={loaded.data.months} />
          <Section
            title={t('dashboard.rankings')}
            actions={
              <button
                type="button"
                onClick={() => csv('/stats/rankings', { metric }, `rankings-${metric}.csv`)}
              >
                {t('common.csv')}
              </button>
            }
          >
            <div class="field">
              <label for="metric">{t('dashboard.metric')}</label>
              <select
                id="metric"
                value={metric}
                onChange={(e) => navigate('/dashboard', { ...period, metric: e.currentTarget.value })}
              >
                {metrics.map((m) => (
                  <option key={m} value={m}>
                    {t(`indicator.${m}` as 'indicator.received')}
                  </option>
                ))}
              </select>
            </div>
            <Table
              caption={t('dashboard.rankings')}
              hideCaption
              rows={loaded.data.ranking.data}
              rowKey={(r) => r.assignee.id}
              columns={[
                { header: t('dashboard.rank'), numeric: true, cell: (r) => r.rank },
                { header: t('common.name'), cell: (r) => r.assignee.name },
                { header: t('units.kind'), cell: (r) => label('assigneeType', r.assignee.type) },
                {
                  header: t('dashboard.value'),
                  numeric: true,
                  cell: (r) =>
                    metric.endsWith('_rate')
                      ? percent(r.value)
                      : metric === 'received'
                        ? r.value
                        : decimal(r.value),
                },
                { header: t('indicator.received'), numeric: true, cell: (r) => r.indicators.received },
                { header: t('indicator.overdue'), numeric: true, cell: (r) => r.indicators.overdue },
              ]}
            />
          </Section>
          <Section title={t('dashboard.risk')}>
            <Table
              caption={t('dashboard.risk')}
              hideCaption
              rows={loaded.data.signals}
              rowKey={(s) => s.id}
              empty={t('dashboard.noSignals')}
              columns={[
                { header: t('common.status'), cell: (s) => label('signal', s.kind) },
                { header: t('dashboard.value'), numeric: true, cell: (s) => decimal(s.value, 2) },
                { header: t('action.reason'), cell: (s) => s.explanation },
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

function Monthly({ months }: { months: StatsGroup[] }) {
  const categories = useMemo(() => months.map((m) => m.group ?? ''), [months])
  const volume = useMemo<Series[]>(
    () => [
      {
        label: t('indicator.received'),
        values: months.map((m) => m.received),
        colour: '#0b4a8b',
        kind: 'bars',
      },
    ],
    [months],
  )
  const rates = useMemo<Series[]>(
    () => [
      {
        label: t('indicator.settlement_rate'),
        values: months.map((m) => m.settlement_rate),
        colour: '#1d6b34',
        kind: 'line',
        percent: true,
      },
      {
        label: t('indicator.on_time_rate'),
        values: months.map((m) => m.on_time_rate),
        colour: '#a3161b',
        kind: 'line',
        percent: true,
      },
    ],
    [months],
  )
  return (
    <>
      <div class="grid">
        <section class="panel">
          <figure>
            <figcaption>{t('dashboard.volume')}</figcaption>
            <Chart categories={categories} series={volume} />
            <ChartKey series={volume} />
          </figure>
        </section>
        <section class="panel">
          <figure>
            <figcaption>{t('dashboard.rates')}</figcaption>
            <Chart categories={categories} series={rates} />
            <ChartKey series={rates} />
          </figure>
        </section>
      </div>
      <Section title={`${t('dashboard.month')} · ${t('dashboard.totals')}`}>
        <Table
          caption={t('dashboard.chartSummary')}
          hideCaption
          rows={months}
          rowKey={(m) => m.group ?? ''}
          columns={[
            { header: t('dashboard.month'), cell: (m) => m.group },
            { header: t('indicator.received'), numeric: true, cell: (m) => m.received },
            { header: t('indicator.settled'), numeric: true, cell: (m) => m.settled },
            {
              header: t('indicator.settlement_rate'),
              numeric: true,
              cell: (m) => percent(m.settlement_rate),
            },
            { header: t('indicator.on_time_rate'), numeric: true, cell: (m) => percent(m.on_time_rate) },
            { header: t('indicator.overdue'), numeric: true, cell: (m) => m.overdue },
          ]}
        />
      </Section>
    </>
  )
}
