import { useState } from 'preact/hooks'
import { get } from '../../api/client.js'
import type { AuditCheckpoint, AuditEntry, InclusionProof, List, TimelineEntry } from '../../api/types.js'
import { type Jwks, type Verdict, verifyTimeline } from '../../audit/web-audit.js'
import { dateTime } from '../../components/format.js'
import { ProblemNotice } from '../../components/problem.js'
import { Table } from '../../components/table.js'
import { label, t } from '../../i18n/i18n.js'

/**
 * A dispute's timeline, each entry checkable against the latest signed checkpoint: the
 * page fetches the checkpoint, the JWKS, the audit entry and its inclusion proof, and the
 * verifier decides. A mark is green only when every step verified.
 */
export function Timeline({ entries, disputeId }: { entries: TimelineEntry[]; disputeId: string }) {
  const [verdicts, setVerdicts] = useState<Record<number, Verdict | 'pending'>>({})
  const [checkpoint, setCheckpoint] = useState<AuditCheckpoint>()
  const [error, setError] = useState<unknown>()

  const verifyAll = async () => {
    setError(undefined)
    setVerdicts(Object.fromEntries(entries.map((e) => [e.audit_index, 'pending'])))
    try {
      const [latest, jwks] = await Promise.all([
        get<AuditCheckpoint>('/audit/checkpoint'),
        fetch('/.well-known/jwks.json').then((r) => r.json() as Promise<Jwks>),
      ])
      setCheckpoint(latest)
      for (const timelineEntry of entries) {
        const index = timelineEntry.audit_index
        const result = await verifyOne(index, timelineEntry, disputeId, latest, jwks).catch(
          (e: unknown): Verdict => ({ state: 'failed', message: e instanceof Error ? e.message : String(e) }),
        )
        setVerdicts((previous) => ({ ...previous, [index]: result }))
      }
    } catch (e) {
      setError(e)
      setVerdicts({})
    }
  }

  return (
    <>
      <p>
        <button type="button" onClick={verifyAll}>
          {t('audit.verifyAll')}
        </button>{' '}
        {checkpoint ? (
          <span class="muted">
            {t('audit.against', { size: checkpoint.tree_size, at: dateTime(checkpoint.timestamp) })}
          </span>
        ) : null}
      </p>
      <ProblemNotice error={error} />
      <Table
        caption={t('dispute.timeline')}
        hideCaption
        rows={entries}
        rowKey={(e) => String(e.audit_index)}
        columns={[
          { header: t('timeline.at'), cell: (e) => dateTime(e.at) },
          { header: t('action.title'), cell: (e) => label('timeline', e.action) },
          {
            header: t('dispute.assignee'),
            cell: (e) => `${label('role', e.actor.role)} · ${e.actor.client_id}`,
          },
          { header: t('timeline.details'), cell: (e) => summary(e.details) },
          { header: t('audit.verify'), cell: (e) => <Mark verdict={verdicts[e.audit_index]} /> },
        ]}
      />
    </>
  )
}

async function verifyOne(
  index: number,
  timelineEntry: TimelineEntry,
  disputeId: string,
  checkpoint: AuditCheckpoint,
  jwks: Jwks,
): Promise<Verdict> {
  if (index >= checkpoint.tree_size) {
    return { state: 'unavailable', message: 'not yet in a signed checkpoint; try again in a minute' }
  }
  const [entries, proof] = await Promise.all([
    get<List<AuditEntry>>('/audit/entries', { start: index, end: index + 1 }),
    get<InclusionProof>('/audit/proofs/inclusion', { leaf_index: index, tree_size: checkpoint.tree_size }),
  ])
  const entry = entries.data[0]
  if (!entry) return { state: 'failed', message: `the log has no entry ${index}` }
  return verifyTimeline({ checkpoint, jwks, entry, proof, timelineEntry, disputeId })
}

function Mark({ verdict }: { verdict: Verdict | 'pending' | undefined }) {
  if (!verdict) return null
  if (verdict === 'pending') return <span class="verify muted">{t('audit.pending')}</span>
  const word =
    verdict.state === 'ok'
      ? t('audit.ok')
      : verdict.state === 'failed'
        ? t('audit.failed')
        : t('audit.unavailable')
  return (
    <span class={`verify verify-${verdict.state}`} title={verdict.message} data-verdict={verdict.state}>
      {verdict.state === 'ok' ? '✓ ' : verdict.state === 'failed' ? '✗ ' : ''}
      {word}
    </span>
  )
}

/** Details whose values are one of the API's enums, labelled in the console's language. */
const enumOf: Record<string, string> = {
  channel: 'channel',
  remedy: 'remedy',
  consent_method: 'consent',
  method: 'refundMethod',
  reason: 'declineReason',
  result: 'outcome',
  resolution: 'resolution',
  satisfaction: 'rating',
  purpose: 'purpose',
}

/** The readable strings of an entry's details (a note, a reason, a remedy), not its ids. */
function summary(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([key, value]) => typeof value === 'string' && !key.endsWith('_id') && value.length < 300)
    .map(([key, value]) => (enumOf[key] ? label(enumOf[key], value as string) : (value as string)))
    .join(t('punct.list'))
}
