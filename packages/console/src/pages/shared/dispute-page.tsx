import { useState } from 'preact/hooks'
import { ApiError, get } from '../../api/client.js'
import type {
  Contact,
  Dispute,
  List,
  MediationRecord,
  Refund,
  Settlement,
  TimelineEntry,
} from '../../api/types.js'
import { DeadlineBadge, StatusBadge } from '../../components/badges.js'
import { EvidenceList } from '../../components/evidence.js'
import { dateTime, money } from '../../components/format.js'
import { Page, Section } from '../../components/page.js'
import { Loading, ProblemNotice } from '../../components/problem.js'
import { useLoad } from '../../components/use-load.js'
import { label, t } from '../../i18n/i18n.js'
import { Timeline } from '../audit/timeline.js'
import { DisputeActions } from './dispute-actions.js'
import { NotFoundPage } from './not-found.js'

interface Records {
  timeline: TimelineEntry[]
  settlements: Settlement[]
  refunds: Refund[]
  contacts: Contact[]
  mediation: MediationRecord[]
}

/** The holder's name: an enterprise reads itself, a regulator reads all; otherwise its id is shown. */
async function assigneeName(dispute: Dispute): Promise<string | undefined> {
  const { type, id } = dispute.assignee
  const path =
    type === 'enterprise'
      ? `/enterprises/${encodeURIComponent(id)}`
      : `/handling-units/${encodeURIComponent(id)}`
  return get<{ name: string }>(path).then(
    (holder) => holder.name,
    () => undefined,
  )
}

async function loadDispute(
  id: string,
): Promise<{ dispute: Dispute; records: Records; holder: string | undefined }> {
  const base = `/disputes/${encodeURIComponent(id)}`
  const dispute = await get<Dispute>(base)
  const list = <T,>(path: string) => get<List<T>>(`${base}/${path}`, { limit: 100 }).then((l) => l.data)
  const [timeline, settlements, refunds, contacts, mediation, holder] = await Promise.all([
    list<TimelineEntry>('timeline'),
    list<Settlement>('settlements'),
    list<Refund>('refunds'),
    list<Contact>('contacts'),
    list<MediationRecord>('mediation-records'),
    assigneeName(dispute),
  ])
  return { dispute, records: { timeline, settlements, refunds, contacts, mediation }, holder }
}

/** One dispute, for whoever may see it: the facts, what the caller may do now, the records, the timeline. */
export function DisputePage({ id }: { id: string }) {
  const loaded = useLoad(() => loadDispute(id), [id])
  const [done, setDone] = useState<string>()
  if (loaded.error instanceof ApiError && loaded.error.status === 404) return <NotFoundPage />
  if (loaded.error) return <ProblemNotice error={loaded.error} />
  if (!loaded.data) return <Loading />
  const { dispute, records, holder } = loaded.data
  return (
    <Page title={`${t('dispute.ref')} ${dispute.external_ref}`}>
      <p>
        <StatusBadge status={dispute.status} /> <DeadlineBadge dispute={dispute} />
        {dispute.urge_count > 0 ? (
          <span class="badge badge-overdue">
            {t('dispute.urged')} · {t('dispute.urgedTimes', { n: dispute.urge_count })}
          </span>
        ) : null}
      </p>
      {done ? (
        <p class="notice notice-ok" role="status">
          {t('common.done')}
          {t('punct.colon')}
          {done}
        </p>
      ) : null}
      <div class="grid">
        <Section title={t('common.details')}>
          <Facts dispute={dispute} holder={holder} />
        </Section>
        <Section title={t('action.title')}>
          <DisputeActions
            dispute={dispute}
            onDone={(message) => {
              setDone(message)
              loaded.reload()
            }}
          />
        </Section>
      </div>
      <Records records={records} />
      <Section title={t('dispute.timeline')}>
        <Timeline entries={records.timeline} disputeId={dispute.id} />
      </Section>
    </Page>
  )
}

function Facts({ dispute, holder }: { dispute: Dispute; holder: string | undefined }) {
  const { claim, consumer, respondent, routing } = dispute
  return (
    <dl class="facts">
      <dt>{t('dispute.consumer')}</dt>
      <dd>
        {consumer.name ?? '—'} · {consumer.phone ?? '—'}
      </dd>
      <dt>{t('dispute.channel')}</dt>
      <dd>{label('channel', dispute.channel)}</dd>
      <dt>{t('dispute.problem')}</dt>
      <dd>
        {label('problem', dispute.problem_type)}
        {dispute.category ? ` · ${dispute.category}` : ''}
      </dd>
      <dt>{t('dispute.claim')}</dt>
      <dd>{claim.description}</dd>
      <dt>{t('dispute.demands')}</dt>
      <dd>{claim.demands.map((d) => label('demand', d)).join(t('punct.enum')) || '—'}</dd>
      <dt>{t('dispute.amount')}</dt>
      <dd>{money(claim.amount)}</dd>
      {respondent ? (
        <>
          <dt>{t('dispute.respondent')}</dt>
          <dd>
            {respondent.name}
            {respondent.address ? ` · ${respondent.address}` : ''}
          </dd>
        </>
      ) : null}
      <dt>{t('dispute.assignee')}</dt>
      <dd>
        {label('assigneeType', dispute.assignee.type)} · {holder ?? <code>{dispute.assignee.id}</code>}
      </dd>
      {routing ? (
        <>
          <dt>{t('dispute.routing')}</dt>
          <dd>
            {label('matchedBy', routing.matched_by)}
            {t('punct.colon')}
            {routing.explanation}
          </dd>
        </>
      ) : null}
      <dt>{t('dispute.received')}</dt>
      <dd>{dateTime(dispute.received_at)}</dd>
      <dt>{t('dispute.respondBy')}</dt>
      <dd>
        <DeadlineBadge dispute={dispute} />
      </dd>
      <dt>{t('dispute.refunded')}</dt>
      <dd>{money(dispute.refunded)}</dd>
      {dispute.resolution ? (
        <>
          <dt>{t('dispute.resolution')}</dt>
          <dd>{label('resolution', dispute.resolution)}</dd>
        </>
      ) : null}
      {dispute.outcome ? (
        <>
          <dt>{t('dispute.outcome')}</dt>
          <dd>
            {label('outcome', dispute.outcome.result)}
            {t('punct.colon')}
            {dispute.outcome.summary}
          </dd>
        </>
      ) : null}
    </dl>
  )
}

function Records({ records }: { records: Records }) {
  return (
    <>
      {records.settlements.length > 0 ? (
        <Section title={t('dispute.settlement')}>
          {records.settlements.map((s) => (
            <div key={s.id}>
              <dl class="facts">
                <dt>{t('action.remedy')}</dt>
                <dd>
                  {label('remedy', s.remedy)} · {money(s.amount)}
                </dd>
                <dt>{t('action.terms')}</dt>
                <dd>{s.terms}</dd>
                <dt>{t('action.agreedAt')}</dt>
                <dd>{dateTime(s.agreed_at)}</dd>
                <dt>{t('action.consent')}</dt>
                <dd>
                  {label('consent', s.consumer_consent.method)} · {s.consumer_consent.reference}
                </dd>
                <dt>{t('dispute.confirmation')}</dt>
                <dd>
                  {s.consumer_confirmation
                    ? `${label('decision', s.consumer_confirmation.decision)} · ${label('rating', s.consumer_confirmation.rating)} · ${dateTime(s.consumer_confirmation.at)}${s.consumer_confirmation.comment ? ` · ${s.consumer_confirmation.comment}` : ''}`
                    : '—'}
                </dd>
              </dl>
              <EvidenceList ids={s.evidence ?? []} />
            </div>
          ))}
        </Section>
      ) : null}
      {records.refunds.length > 0 ? (
        <Section title={t('dispute.refunds')}>
          <ul>
            {records.refunds.map((r) => (
              <li key={r.id}>
                {dateTime(r.refunded_at)} · {money(r.amount)} · {label('refundMethod', r.method)} ·{' '}
                <code>{r.reference}</code>
                <EvidenceList ids={r.evidence} />
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {records.contacts.length > 0 ? (
        <Section title={t('dispute.contacts')}>
          <ul>
            {records.contacts.map((c) => (
              <li key={c.id}>
                {dateTime(c.contacted_at)} · {label('contactChannel', c.channel)} ·{' '}
                {c.reached ? t('common.yes') : t('common.no')} · {c.summary}
                <EvidenceList ids={c.evidence} />
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {records.mediation.length > 0 ? (
        <Section title={t('dispute.mediation')}>
          <ul>
            {records.mediation.map((m) => (
              <li key={m.id}>
                {dateTime(m.held_at)} · {label('mediationMethod', m.method)} ·{' '}
                {m.participants.join(t('punct.enum'))} · {m.summary}
                {m.agreement ? ` · ${m.agreement}` : ''}
                <EvidenceList ids={m.evidence} />
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
    </>
  )
}
