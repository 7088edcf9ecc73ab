import type { Dispute, DisputeStatus } from '@hejie/sdk'
import { type MessageKey, t } from './i18n/index.js'
import { fields, money, shanghaiTime, table } from './output.js'

/** Every status, with the message of what it means for whoever holds the dispute; typed so that none can be missed. */
export const statuses: Record<DisputeStatus, MessageKey> = {
  assigned: 'status.assigned',
  in_progress: 'status.in_progress',
  settled: 'status.settled',
  returned: 'status.returned',
  escalated: 'status.escalated',
  closed: 'status.closed',
}

/** What a status means, in the reader's language (the status itself is the API's value). */
export function statusMeaning(status: DisputeStatus): string {
  return t(statuses[status])
}

/** Who holds the dispute: `ent_…` for an enterprise, `hnu_…` for one of the bureau's units. */
export function assigneeId(dispute: Dispute): string {
  return dispute.assignee?.id ?? dispute.enterprise_id ?? ''
}

function assigneeLine(dispute: Dispute): string | undefined {
  if (dispute.assignee) return `${dispute.assignee.type} ${dispute.assignee.id}`
  return dispute.enterprise_id ? `enterprise ${dispute.enterprise_id}` : undefined
}

/** The respondent as the intake centre recorded it: name, credit code, where it trades. */
function respondentLine(dispute: Dispute): string | undefined {
  const { respondent } = dispute
  if (!respondent) return undefined
  return [
    respondent.name,
    respondent.uscc && `uscc ${respondent.uscc}`,
    respondent.area_code && `area ${respondent.area_code}`,
    respondent.address,
  ]
    .filter(Boolean)
    .join('  ')
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2))
}

/**
 * Disputes as a table, one a line. `withAssignee` adds who holds each one: a regulator's list
 * spans many assignees, an enterprise's holds its own only.
 */
export function disputeTable(disputes: Dispute[], withAssignee: boolean): string {
  const header = [
    t('column.id'),
    t('column.status'),
    t('column.respondBy'),
    t('column.overdue'),
    t('column.consumer'),
    t('column.problem'),
    t('column.claim'),
    t('column.intakeTicket'),
  ]
  const rows = disputes.map((dispute) => [
    dispute.id,
    dispute.status,
    shanghaiTime(dispute.respond_by).slice(0, 10),
    dispute.overdue ? 'overdue' : '',
    dispute.consumer.name ?? '',
    dispute.problem_type,
    money(dispute.claim.amount),
    dispute.external_ref,
  ])
  if (!withAssignee) return table(header, rows)
  return table(
    [...header.slice(0, 2), t('column.assignee'), ...header.slice(2)],
    rows.map((row, i) => [...row.slice(0, 2), assigneeId(disputes[i] as Dispute), ...row.slice(2)]),
  )
}

/** One dispute, a field a line, with what the caller may do next. */
export function describeDispute(dispute: Dispute): string {
  const { claim, consumer, settlement, outcome } = dispute
  const { routing } = dispute
  return fields([
    [
      t('dispute.dispute'),
      `${dispute.id}  ${dispute.status}${dispute.resolution ? ` (${dispute.resolution})` : ''}`,
    ],
    [t('dispute.version'), String(dispute.version)],
    [t('dispute.intakeTicket'), t('dispute.via', { ref: dispute.external_ref, channel: dispute.channel })],
    [t('dispute.jurisdiction'), dispute.jurisdiction_id],
    [t('dispute.respondent'), respondentLine(dispute)],
    [t('dispute.assignee'), assigneeLine(dispute)],
    [t('dispute.routing'), routing ? `${routing.matched_by}: ${routing.explanation}` : undefined],
    [
      t('dispute.consumer'),
      [consumer.name, consumer.phone].filter(Boolean).join('  ') || t('dispute.erased'),
    ],
    [t('dispute.problem'), [dispute.problem_type, dispute.category].filter(Boolean).join(' / ')],
    [t('dispute.claim'), claim.description],
    [t('dispute.demands'), [claim.demands.join(', '), money(claim.amount)].filter(Boolean).join('  ')],
    [t('dispute.received'), `${shanghaiTime(dispute.received_at)} Asia/Shanghai`],
    [
      t('dispute.respondBy'),
      dispute.respond_by
        ? `${shanghaiTime(dispute.respond_by)} Asia/Shanghai${dispute.overdue ? t('dispute.overdue') : ''}`
        : t('dispute.noDeadline'),
    ],
    [
      t('dispute.settlement'),
      settlement ? `${settlement.remedy} ${money(settlement.amount)}  ${settlement.terms}` : undefined,
    ],
    [t('dispute.refunded'), money(dispute.refunded)],
    [t('dispute.outcome'), outcome ? `${outcome.result}  ${outcome.summary}` : undefined],
    [t('dispute.nextActions'), dispute.allowed_actions.join(', ') || t('dispute.none')],
  ])
}
