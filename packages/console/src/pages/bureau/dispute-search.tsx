import { useState } from 'preact/hooks'
import { get, type Query } from '../../api/client.js'
import { downloadCsv } from '../../api/files.js'
import type { Dispute, List } from '../../api/types.js'
import { DisputeTable } from '../../components/dispute-table.js'
import { Checkbox, EnumSelect, TextField } from '../../components/fields.js'
import { Page } from '../../components/page.js'
import { Loading, ProblemNotice } from '../../components/problem.js'
import { useLoad } from '../../components/use-load.js'
import { language, t } from '../../i18n/i18n.js'
import { navigate, useLocation } from '../../router.js'

const statuses = ['assigned', 'in_progress', 'settled', 'returned', 'escalated', 'closed'] as const
const problems = [
  'quality',
  'after_sales',
  'contract',
  'price',
  'food_safety',
  'false_advertising',
  'measurement',
  'safety',
  'personal_rights',
  'other',
] as const

/** The search form's fields, read from the URL, as the API's filters. */
function filtersOf(query: URLSearchParams): Query {
  const day = (name: string, offsetDays: number) => {
    const value = query.get(name)
    if (!value) return undefined
    const at = new Date(`${value}T00:00:00+08:00`)
    at.setUTCDate(at.getUTCDate() + offsetDays)
    return at.toISOString()
  }
  return {
    status: query.get('status') ?? undefined,
    problem_type: query.get('problem_type') ?? undefined,
    overdue: query.get('overdue') === 'on' ? true : undefined,
    external_ref: query.get('external_ref') ?? undefined,
    created_after: day('after', 0),
    created_before: day('before', 1),
  }
}

export function DisputeSearchPage() {
  const { query } = useLocation()
  const filters = filtersOf(query)
  const [pages, setPages] = useState<Dispute[][]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [csvError, setCsvError] = useState<unknown>()
  const first = useLoad(async () => {
    const list = await get<List<Dispute>>('/disputes', { ...filters, limit: 50 })
    setPages([list.data])
    setCursor(list.next_cursor)
    return list
  }, [query.toString()])
  const more = async () => {
    if (!cursor) return
    const list = await get<List<Dispute>>('/disputes', { ...filters, limit: 50, cursor })
    setPages((p) => [...p, list.data])
    setCursor(list.next_cursor)
  }
  return (
    <Page
      title={t('search.title')}
      actions={
        <button
          type="button"
          onClick={() => downloadCsv('/disputes', filters, 'disputes.csv', language()).catch(setCsvError)}
        >
          {t('common.csv')}
        </button>
      }
    >
      <form
        class="inline panel"
        onSubmit={(event) => {
          event.preventDefault()
          const data = new FormData(event.currentTarget)
          const next: Record<string, string> = {}
          for (const [name, value] of data.entries())
            if (typeof value === 'string' && value) next[name] = value
          navigate('/disputes', next)
        }}
      >
        <TextField
          label={t('search.ref')}
          name="external_ref"
          type="search"
          value={query.get('external_ref') ?? ''}
        />
        <EnumSelect
          label={t('search.status')}
          name="status"
          group="status"
          values={statuses}
          allowAll
          value={query.get('status') ?? ''}
        />
        <EnumSelect
          label={t('search.problem')}
          name="problem_type"
          group="problem"
          values={problems}
          allowAll
          value={query.get('problem_type') ?? ''}
        />
        <TextField label={t('search.after')} name="after" type="date" value={query.get('after') ?? ''} />
        <TextField label={t('search.before')} name="before" type="date" value={query.get('before') ?? ''} />
        <Checkbox label={t('search.overdue')} name="overdue" checked={query.get('overdue') === 'on'} />
        <button type="submit" class="primary">
          {t('common.search')}
        </button>
      </form>
      <ProblemNotice error={first.error ?? csvError} />
      {first.loading && pages.length === 0 ? <Loading /> : null}
      <DisputeTable caption={t('search.title')} hideCaption disputes={pages.flat()} />
      {cursor ? (
        <p>
          <button type="button" onClick={more}>
            {t('common.more')}
          </button>
        </p>
      ) : null}
    </Page>
  )
}
