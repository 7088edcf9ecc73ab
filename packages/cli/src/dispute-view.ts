import type { Dispute, DisputeStatus } from '@hejie/sdk'
import { fields, money, shanghaiTime, table } from './output.js'

/** Every status, with what it means for whoever holds the dispute; typed so that none can be missed. */
export const statuses: Record<DisputeStatus, string> = {
  assigned: 'waiting for the enterprise (or unit) to accept or decline',
  in_progress: 'accepted; settle with the consumer',
  settled: 'settlement recorded; refund and report the outcome',
  returned: 'declined, back with the regulator to assign again',
  escalated: 'gone to administrative mediation',
  closed: 'finished',
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
  const header = ['ID', 'STATUS', 'RESPOND BY', 'OVERDUE', 'CONSUMER', 'PROBLEM', 'CLAIM', 'INTAKE TICKET']
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
    [...header.slice(0, 2), 'ASSIGNEE', ...header.slice(2)],
    rows.map((row, i) => [...row.slice(0, 2), assigneeId(disputes[i] as Dispute), ...row.slice(2)]),
  )
}

/** One dispute, a field a line, with what the caller may do next. */
export function describeDispute(dispute: Dispute): string {
  const { claim, consumer, settlement, outcome } = dispute
  const { routing } = dispute
  return fields([
    ['Dispute', `${dispute.id}  ${dispute.status}${dispute.resolution ? ` (${dispute.resolution})` : ''}`],
    ['Version', String(dispute.version)],
    ['Intake ticket', `${dispute.external_ref} via ${dispute.channel}`],
    ['Jurisdiction', dispute.jurisdiction_id],
    ['Respondent', respondentLine(dispute)],
    ['Assignee', assigneeLine(dispute)],
    ['Routing', routing ? `${routing.matched_by}: ${routing.explanation}` : undefined],
    ['Consumer', [consumer.name, consumer.phone].filter(Boolean).join('  ') || 'erased'],
    ['Problem', [dispute.problem_type, dispute.category].filter(Boolean).join(' / ')],
    ['Claim', claim.description],
    ['Demands', [claim.demands.join(', '), money(claim.amount)].filter(Boolean).join('  ')],
    ['Received', `${shanghaiTime(dispute.received_at)} Asia/Shanghai`],
    [
      'Respond by',
      dispute.respond_by
        ? `${shanghaiTime(dispute.respond_by)} Asia/Shanghai${dispute.overdue ? '  OVERDUE' : ''}`
        : 'no deadline yet: waiting at the centre to be dispatched',
    ],
    [
      'Settlement',
      settlement ? `${settlement.remedy} ${money(settlement.amount)}  ${settlement.terms}` : undefined,
    ],
    ['Refunded', money(dispute.refunded)],
    ['Outcome', outcome ? `${outcome.result}  ${outcome.summary}` : undefined],
    ['Next actions', dispute.allowed_actions.join(', ') || 'none'],
  ])
}
