import { get } from '../../api/client.js'
import type { HandlingUnit, List, RoutingRule } from '../../api/types.js'
import { Page, Section } from '../../components/page.js'
import { Loading, ProblemNotice } from '../../components/problem.js'
import { Table } from '../../components/table.js'
import { useLoad } from '../../components/use-load.js'
import { label, t } from '../../i18n/i18n.js'

/** The bureau's own units and the rules that route complaints to them, nearest jurisdiction first. */
export function UnitsPage() {
  const loaded = useLoad(async () => {
    const [units, rules] = await Promise.all([
      get<List<HandlingUnit>>('/handling-units', { limit: 100 }),
      get<List<RoutingRule>>('/routing-rules', { limit: 100 }),
    ])
    return { units: units.data, rules: [...rules.data].sort((a, b) => a.priority - b.priority) }
  }, [])
  if (loaded.error) return <ProblemNotice error={loaded.error} />
  if (!loaded.data) return <Loading />
  const names = new Map(loaded.data.units.map((u) => [u.id, u.name]))
  return (
    <Page title={t('units.title')}>
      <Section title={t('units.units')}>
        <Table
          caption={t('units.units')}
          hideCaption
          rows={loaded.data.units}
          rowKey={(u) => u.id}
          columns={[
            { header: t('common.name'), cell: (u) => u.name },
            { header: t('units.kind'), cell: (u) => label('unitKind', u.kind) },
            { header: t('common.status'), cell: (u) => label('unitStatus', u.status) },
            { header: t('common.id'), cell: (u) => <code>{u.id}</code> },
          ]}
        />
      </Section>
      <Section title={t('units.rules')}>
        <Table
          caption={t('units.rules')}
          hideCaption
          rows={loaded.data.rules}
          rowKey={(r) => r.id}
          columns={[
            { header: t('units.priority'), numeric: true, cell: (r) => r.priority },
            { header: t('units.enabled'), cell: (r) => (r.enabled ? t('common.yes') : t('common.no')) },
            { header: t('units.conditions'), cell: (r) => conditions(r.conditions) },
            { header: t('units.target'), cell: (r) => names.get(r.target.unit_id) ?? r.target.unit_id },
          ]}
        />
      </Section>
    </Page>
  )
}

function conditions(c: RoutingRule['conditions']): string {
  const parts: string[] = []
  if (c.problem_type)
    parts.push(`${t('dispute.problem')}${t('punct.colon')}${label('problem', c.problem_type)}`)
  if (c.category) parts.push(`${t('dispute.category')}${t('punct.colon')}${c.category}`)
  if (c.area_code_prefix) parts.push(`${t('units.area')}${t('punct.colon')}${c.area_code_prefix}*`)
  if (c.channel) parts.push(`${t('dispute.channel')}${t('punct.colon')}${label('channel', c.channel)}`)
  if (c.keywords?.length) parts.push(c.keywords.join(t('punct.enum')))
  return parts.join(t('punct.list')) || '—'
}
