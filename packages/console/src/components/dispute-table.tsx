import type { Dispute } from '../api/types.js'
import { label, t } from '../i18n/i18n.js'
import { Link } from '../router.js'
import { DeadlineBadge, deadlineState, StatusBadge } from './badges.js'
import { date, money } from './format.js'
import { Table } from './table.js'

const urgency = { overdue: 0, soon: 1, on_time: 2, none: 3 } as const

/** Overdue first, then due soon, then by deadline: what needs a call today is on top. */
export function byUrgency(disputes: Dispute[]): Dispute[] {
  return [...disputes].sort(
    (a, b) =>
      urgency[deadlineState(a)] - urgency[deadlineState(b)] ||
      (a.respond_by ?? '9').localeCompare(b.respond_by ?? '9'),
  )
}

export function DisputeTable(props: {
  caption: string
  disputes: Dispute[]
  hideCaption?: boolean
  /** An enterprise's own queue names itself as the respondent: the column says nothing there. */
  withoutRespondent?: boolean
}) {
  return (
    <Table
      caption={props.caption}
      hideCaption={props.hideCaption}
      rows={props.disputes}
      rowKey={(d) => d.id}
      empty={t('dispute.none')}
      columns={[
        { header: t('dispute.ref'), cell: (d) => <Link to={`/disputes/${d.id}`}>{d.external_ref}</Link> },
        { header: t('dispute.status'), cell: (d) => <StatusBadge status={d.status} /> },
        { header: t('dispute.problem'), cell: (d) => label('problem', d.problem_type) },
        { header: t('dispute.consumer'), cell: (d) => d.consumer.name ?? '—' },
        ...(props.withoutRespondent
          ? []
          : [{ header: t('dispute.respondent'), cell: (d: Dispute) => d.respondent?.name ?? '—' }]),
        { header: t('dispute.amount'), numeric: true, cell: (d) => money(d.claim.amount) },
        { header: t('dispute.received'), cell: (d) => date(d.received_at) },
        { header: t('dispute.respondBy'), cell: (d) => <DeadlineBadge dispute={d} /> },
        {
          header: t('dispute.urged'),
          numeric: true,
          cell: (d) => (d.urge_count > 0 ? t('dispute.urgedTimes', { n: d.urge_count }) : ''),
        },
      ]}
    />
  )
}
