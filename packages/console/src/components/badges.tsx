import type { Dispute } from '../api/types.js'
import { label, t } from '../i18n/i18n.js'
import { date } from './format.js'

/** Two days before the deadline counts as "due soon", as the gateway's approaching event does. */
const SOON_MS = 2 * 24 * 3600_000

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{label('status', status)}</span>
}

export type DeadlineState = 'overdue' | 'soon' | 'on_time' | 'none'

export function deadlineState(dispute: Pick<Dispute, 'overdue' | 'respond_by' | 'status'>): DeadlineState {
  if (dispute.overdue) return 'overdue'
  if (!dispute.respond_by || !['assigned', 'in_progress'].includes(dispute.status)) return 'none'
  return Date.parse(dispute.respond_by) - Date.now() < SOON_MS ? 'soon' : 'on_time'
}

/** The deadline with its state in words as well as colour, so colour is never the only cue. */
export function DeadlineBadge({ dispute }: { dispute: Dispute }) {
  const state = deadlineState(dispute)
  if (!dispute.respond_by) return <span class="muted">{t('deadline.none')}</span>
  const word = state === 'overdue' ? t('deadline.overdue') : state === 'soon' ? t('deadline.soon') : undefined
  return (
    <span class={`deadline deadline-${state}`}>
      {date(dispute.respond_by)}
      {dispute.respond_by_provisional ? t('deadline.provisional') : ''}
      {word ? <span class={`badge badge-${state}`}>{word}</span> : null}
    </span>
  )
}
