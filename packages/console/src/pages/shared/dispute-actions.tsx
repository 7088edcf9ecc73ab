import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { get, post } from '../../api/client.js'
import { uploadFile } from '../../api/files.js'
import type {
  ConfirmationRequest,
  Dispute,
  Enterprise,
  EvidenceFile,
  HandlingUnit,
  List,
} from '../../api/types.js'
import { Checkbox, EnumSelect, FileField, Select, TextArea, TextField } from '../../components/fields.js'
import { fenOf, isoFromLocalInput, localInputValue } from '../../components/format.js'
import { ProblemNotice } from '../../components/problem.js'
import { useLoad } from '../../components/use-load.js'
import { type MessageKey, t } from '../../i18n/i18n.js'

type Body = Record<string, unknown>

const text = (data: FormData, name: string) => String(data.get(name) ?? '').trim()
const optional = (data: FormData, name: string) => text(data, name) || undefined

class InvalidAmount extends Error {}

function amount(data: FormData, name: string): { amount: number; currency: 'CNY' } {
  const fen = fenOf(text(data, name))
  if (fen === undefined) throw new InvalidAmount(name)
  return { amount: fen, currency: 'CNY' }
}

/** Uploads the chosen file, if any, and answers the `evidence` list that cites it. */
async function evidence(
  data: FormData,
  purpose: EvidenceFile['purpose'],
  disputeId: string,
): Promise<string[]> {
  const file = data.get('evidence')
  if (!(file instanceof File) || file.size === 0) return []
  return [(await uploadFile(file, purpose, disputeId)).id]
}

/**
 * One action as a disclosure with its form. The form posts with the dispute's version as
 * If-Match: if someone changed the dispute meanwhile, the gateway answers 412 and the page
 * shows it rather than overwriting their change.
 */
function ActionForm(props: {
  dispute: Dispute
  action: string
  title: MessageKey
  build: (data: FormData) => Promise<Body> | Body
  onDone: (message: string) => void
  children: ComponentChildren
  open?: boolean
}) {
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const submit = async (event: Event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    setBusy(true)
    setError(undefined)
    try {
      const body = Object.fromEntries(
        Object.entries(await props.build(new FormData(form))).filter(([, v]) => v !== undefined),
      )
      await post(
        `/disputes/${encodeURIComponent(props.dispute.id)}/${props.action}`,
        body,
        props.dispute.version,
      )
      form.reset()
      props.onDone(t(props.title))
    } catch (e) {
      setError(e instanceof InvalidAmount ? new Error(t('action.settleAmount')) : e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <details class="action" open={props.open}>
      <summary>{t(props.title)}</summary>
      <form onSubmit={submit}>
        {props.children}
        <ProblemNotice error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('common.loading') : t(props.title)}
        </button>
      </form>
    </details>
  )
}

export function DisputeActions(props: { dispute: Dispute; onDone: (message: string) => void }) {
  const { dispute, onDone } = props
  const allowed = new Set(dispute.allowed_actions)
  const id = dispute.id
  const now = localInputValue()
  const forms: ComponentChildren[] = []
  const common = { dispute, onDone }

  if (allowed.has('accept'))
    forms.push(
      <ActionForm
        key="accept"
        {...common}
        action="accept"
        title="action.accept"
        open
        build={(d) => ({ note: optional(d, 'note') })}
      >
        <TextField label={t('action.note')} name="note" />
      </ActionForm>,
    )
  if (allowed.has('decline'))
    forms.push(
      <ActionForm
        key="decline"
        {...common}
        action="decline"
        title="action.decline"
        build={(d) => ({ reason: text(d, 'reason'), note: optional(d, 'note') })}
      >
        <EnumSelect
          label={t('action.reason')}
          name="reason"
          required
          group="declineReason"
          values={['not_responsible', 'duplicate', 'insufficient_information', 'other']}
        />
        <TextField label={t('action.note')} name="note" />
      </ActionForm>,
    )
  if (allowed.has('contacts'))
    forms.push(
      <ActionForm
        key="contacts"
        {...common}
        action="contacts"
        title="action.contact"
        build={async (d) => ({
          channel: text(d, 'channel'),
          contacted_at: isoFromLocalInput(text(d, 'contacted_at')),
          reached: d.get('reached') === 'on',
          summary: text(d, 'summary'),
          evidence: await evidence(d, 'other', id),
        })}
      >
        <EnumSelect
          label={t('action.contactChannel')}
          name="channel"
          required
          group="contactChannel"
          values={['phone', 'sms', 'im', 'email', 'in_person']}
        />
        <TextField
          label={t('action.contactedAt')}
          name="contacted_at"
          type="datetime-local"
          required
          value={now}
        />
        <Checkbox label={t('action.reached')} name="reached" checked />
        <TextArea label={t('action.summary')} name="summary" required />
        <FileField label={t('action.evidence')} name="evidence" accept="audio/*,image/*,application/pdf" />
      </ActionForm>,
    )
  if (allowed.has('settlements'))
    forms.push(
      <ActionForm
        key="settlements"
        {...common}
        action="settlements"
        title="action.settle"
        build={async (d) => ({
          remedy: text(d, 'remedy'),
          amount: text(d, 'amount') ? amount(d, 'amount') : undefined,
          terms: text(d, 'terms'),
          agreed_at: isoFromLocalInput(text(d, 'agreed_at')),
          consumer_consent: { method: text(d, 'consent'), reference: text(d, 'consent_reference') },
          evidence: await evidence(d, 'consent_record', id),
        })}
      >
        <EnumSelect
          label={t('action.remedy')}
          name="remedy"
          required
          group="remedy"
          values={[
            'refund',
            'partial_refund',
            'return_and_refund',
            'replacement',
            'repair',
            'compensation',
            'apology',
            'other',
          ]}
        />
        <TextField
          label={t('action.settleAmount')}
          name="amount"
          inputMode="decimal"
          pattern="\d{1,9}(\.\d{1,2})?"
        />
        <TextArea label={t('action.terms')} name="terms" required />
        <TextField label={t('action.agreedAt')} name="agreed_at" type="datetime-local" required value={now} />
        <EnumSelect
          label={t('action.consent')}
          name="consent"
          required
          group="consent"
          values={['phone_recording', 'sms', 'written', 'in_app']}
        />
        <TextField label={t('action.consentRef')} name="consent_reference" required />
        <FileField label={t('action.evidence')} name="evidence" accept="audio/*,image/*,application/pdf" />
      </ActionForm>,
    )
  if (allowed.has('refunds'))
    forms.push(
      <ActionForm
        key="refunds"
        {...common}
        action="refunds"
        title="action.refund"
        build={async (d) => ({
          amount: amount(d, 'amount'),
          method: text(d, 'method'),
          reference: text(d, 'reference'),
          refunded_at: isoFromLocalInput(text(d, 'refunded_at')),
          evidence: await evidence(d, 'refund_receipt', id),
        })}
      >
        <TextField
          label={t('action.refundAmount')}
          name="amount"
          required
          inputMode="decimal"
          pattern="\d{1,9}(\.\d{1,2})?"
        />
        <EnumSelect
          label={t('action.refundMethod')}
          name="method"
          required
          group="refundMethod"
          values={['original_payment', 'bank_transfer', 'wechat_pay', 'alipay', 'cash', 'other']}
        />
        <TextField label={t('action.refundRef')} name="reference" required />
        <TextField
          label={t('action.refundedAt')}
          name="refunded_at"
          type="datetime-local"
          required
          value={now}
        />
        <FileField label={t('action.evidence')} name="evidence" accept="image/*,application/pdf" />
      </ActionForm>,
    )
  if (allowed.has('outcome'))
    forms.push(
      <ActionForm
        key="outcome"
        {...common}
        action="outcome"
        title="action.outcome"
        build={(d) => ({
          result: text(d, 'result'),
          reason: optional(d, 'reason'),
          summary: text(d, 'summary'),
        })}
      >
        <EnumSelect
          label={t('action.result')}
          name="result"
          required
          group="outcome"
          values={['fulfilled', 'not_settled']}
        />
        <TextField label={t('action.reason')} name="reason" />
        <TextArea label={t('action.summary')} name="summary" required />
      </ActionForm>,
    )
  if (allowed.has('assign')) forms.push(<AssignForm key="assign" {...common} />)
  if (allowed.has('urge'))
    forms.push(
      <ActionForm
        key="urge"
        {...common}
        action="urge"
        title="action.urge"
        build={(d) => ({
          note: text(d, 'note'),
          respond_by: text(d, 'respond_by')
            ? new Date(`${text(d, 'respond_by')}T23:59:59.999+08:00`).toISOString()
            : undefined,
        })}
      >
        <TextArea label={t('action.urgeNote')} name="note" required />
        <TextField label={t('action.urgeBy')} name="respond_by" type="date" />
      </ActionForm>,
    )
  if (allowed.has('escalate'))
    forms.push(
      <ActionForm
        key="escalate"
        {...common}
        action="escalate"
        title="action.escalate"
        build={(d) => ({ reason: text(d, 'reason') })}
      >
        <TextArea label={t('action.reason')} name="reason" required />
      </ActionForm>,
    )
  if (allowed.has('mediation-records'))
    forms.push(
      <ActionForm
        key="mediation"
        {...common}
        action="mediation-records"
        title="action.mediation"
        build={async (d) => ({
          held_at: isoFromLocalInput(text(d, 'held_at')),
          method: text(d, 'method'),
          participants: text(d, 'participants')
            .split('\n')
            .map((p) => p.trim())
            .filter(Boolean),
          summary: text(d, 'summary'),
          agreement: optional(d, 'agreement'),
          evidence: await evidence(d, 'mediation_record', id),
        })}
      >
        <TextField label={t('action.heldAt')} name="held_at" type="datetime-local" required value={now} />
        <EnumSelect
          label={t('action.method')}
          name="method"
          required
          group="mediationMethod"
          values={['phone', 'in_person', 'online']}
        />
        <TextArea label={t('action.participants')} name="participants" required />
        <TextArea label={t('action.summary')} name="summary" required />
        <TextArea label={t('action.agreement')} name="agreement" />
        <FileField label={t('action.evidence')} name="evidence" accept="audio/*,image/*,application/pdf" />
      </ActionForm>,
    )
  if (allowed.has('close'))
    forms.push(
      <ActionForm
        key="close"
        {...common}
        action="close"
        title="action.close"
        build={(d) => ({ resolution: text(d, 'resolution'), note: optional(d, 'note') })}
      >
        <EnumSelect
          label={t('action.resolution')}
          name="resolution"
          required
          group="resolution"
          values={['mediated', 'terminated', 'rejected']}
        />
        <TextField label={t('action.note')} name="note" />
      </ActionForm>,
    )
  if (allowed.has('withdraw'))
    forms.push(
      <ActionForm
        key="withdraw"
        {...common}
        action="withdraw"
        title="action.withdraw"
        build={(d) => ({ note: optional(d, 'note') })}
      >
        <TextField label={t('action.note')} name="note" />
      </ActionForm>,
    )
  if (allowed.has('feedback'))
    forms.push(
      <ActionForm
        key="feedback"
        {...common}
        action="feedback"
        title="action.feedback"
        build={(d) => ({
          resolved: d.get('resolved') === 'on',
          satisfaction: text(d, 'satisfaction'),
          note: optional(d, 'note'),
        })}
      >
        <Checkbox label={t('action.resolved')} name="resolved" checked />
        <EnumSelect
          label={t('action.satisfaction')}
          name="satisfaction"
          required
          group="rating"
          values={['satisfied', 'basically_satisfied', 'dissatisfied']}
        />
        <TextField label={t('action.note')} name="note" />
      </ActionForm>,
    )
  // Not an entry of allowed_actions: a settlement must exist, and the holder or the bureau asks.
  if (dispute.settlement && (dispute.status === 'settled' || dispute.status === 'closed'))
    forms.push(<ConfirmationForm key="confirm" dispute={dispute} />)

  if (forms.length === 0) return <p class="muted">{t('action.nothing')}</p>
  return <div class="actions-grid">{forms}</div>
}

/** Assign by hand: to any active enterprise or unit the caller sees. */
function AssignForm(props: { dispute: Dispute; onDone: (message: string) => void }) {
  const targets = useLoad(() => assignTargets(), [])
  return (
    <ActionForm
      {...props}
      action="assign"
      title="dispatch.assign"
      build={(d) => assignBody(text(d, 'target'))}
    >
      <AssigneeField options={targets.data ?? []} />
    </ActionForm>
  )
}

/** The assign body for "enterprise:ent_…", "unit:hnu_…", or an id typed by hand. */
export function assignBody(target: string): { unit_id: string } | { enterprise_id: string } {
  const [kind, id] = target.includes(':')
    ? target.split(':')
    : [target.startsWith('hnu_') ? 'unit' : 'enterprise', target]
  return kind === 'unit' ? { unit_id: id ?? '' } : { enterprise_id: id ?? '' }
}

/**
 * Whom to assign to: a list when the caller may read the directory (regulators), else the
 * id typed in (a centre's client may assign but not list enterprises and units).
 */
export function AssigneeField({ options }: { options: { value: string; label: string }[] }) {
  return options.length > 0 ? (
    <Select
      label={t('dispatch.assignTo')}
      name="target"
      required
      placeholder={t('dispatch.choose')}
      options={options}
    />
  ) : (
    <TextField label={t('dispatch.assignId')} name="target" required pattern="(ent|hnu)_[0-9a-z]+" />
  )
}

/** Active enterprises and units, as select options "enterprise:ent_…" / "unit:hnu_…". */
export async function assignTargets(): Promise<{ value: string; label: string }[]> {
  // A centre's client cannot list enterprises (regulators only): it still gets the units.
  const [enterprises, units] = await Promise.all([
    get<List<Enterprise>>('/enterprises', { limit: 100, odr_status: 'active' }).catch(() => undefined),
    get<List<HandlingUnit>>('/handling-units', { limit: 100, status: 'active' }).catch(() => undefined),
  ])
  return [
    ...(enterprises?.data ?? []).map((e) => ({
      value: `enterprise:${e.id}`,
      label: `${t('assigneeType.enterprise')} · ${e.name}`,
    })),
    ...(units?.data ?? []).map((u) => ({
      value: `unit:${u.id}`,
      label: `${t('assigneeType.unit')} · ${u.name}`,
    })),
  ]
}

/** The one-time link and code, shown once with the note to pass them to the consumer. */
function ConfirmationForm({ dispute }: { dispute: Dispute }) {
  const [created, setCreated] = useState<ConfirmationRequest>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const create = async () => {
    setBusy(true)
    setError(undefined)
    try {
      setCreated(
        await post<ConfirmationRequest>(
          `/disputes/${encodeURIComponent(dispute.id)}/confirmation-requests`,
          {},
        ),
      )
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <details class="action">
      <summary>{t('action.confirm')}</summary>
      <p class="muted">{t('action.confirmIntro')}</p>
      {created ? (
        <div class="notice notice-ok once" role="status">
          <p>{t('action.confirmNote')}</p>
          <dl class="facts">
            <dt>{t('action.link')}</dt>
            <dd>
              <code>{created.url}</code>
            </dd>
            <dt>{t('action.code')}</dt>
            <dd>
              <code>{created.code}</code>
            </dd>
          </dl>
        </div>
      ) : (
        <button type="button" class="primary" disabled={busy} onClick={create}>
          {t('action.confirm')}
        </button>
      )}
      <ProblemNotice error={error} />
    </details>
  )
}
