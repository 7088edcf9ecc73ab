import type { Contact, Hejie, MediationRecord, Refund, Settlement } from '@hejie/sdk'
import { locale, t } from './i18n/index.js'
import { shanghaiTime } from './output.js'

/** A dispute's records, each kind read whole from its own list. */
export interface DisputeRecords {
  contacts: Contact[]
  settlements: Settlement[]
  refunds: Refund[]
  mediation_records: MediationRecord[]
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of pages) items.push(item)
  return items
}

export async function disputeRecords(hejie: Hejie, id: string): Promise<DisputeRecords> {
  const [contacts, settlements, refunds, mediation_records] = await Promise.all([
    all(hejie.disputes.contacts(id, { limit: 100 })),
    all(hejie.disputes.settlements(id, { limit: 100 })),
    all(hejie.disputes.refunds(id, { limit: 100 })),
    all(hejie.disputes.mediationRecords(id, { limit: 100 })),
  ])
  return { contacts, settlements, refunds, mediation_records }
}

const yuan = (money: { amount: number } | null | undefined) =>
  money ? `¥${(money.amount / 100).toFixed(2)}` : ''
const evidence = (ids: readonly string[] | undefined) =>
  ids?.length ? t('records.evidence', { ids: ids.join(', ') }) : ''

/** The records as lines under a heading per kind, oldest first; kinds without records are left out. */
export function describeRecords(records: DisputeRecords): string {
  const sections: [string, string[]][] = [
    [
      t('records.contacts'),
      records.contacts.map(
        (c) =>
          `${c.id}  ${shanghaiTime(c.contacted_at)}  ${c.channel}${c.reached ? '' : t('records.notReached')}  ${c.summary}${evidence(c.evidence)}`,
      ),
    ],
    [
      t('records.settlements'),
      records.settlements.map(
        (s) =>
          `${s.id}  ${shanghaiTime(s.agreed_at)}  ${s.remedy} ${yuan(s.amount)}  ${s.terms}${evidence(s.evidence)}`,
      ),
    ],
    [
      t('records.refunds'),
      records.refunds.map(
        (r) =>
          `${r.id}  ${shanghaiTime(r.refunded_at)}  ${yuan(r.amount)} ${r.method} ${r.reference}${evidence(r.evidence)}`,
      ),
    ],
    [
      t('records.mediation'),
      records.mediation_records.map(
        (m) => `${m.id}  ${shanghaiTime(m.held_at)}  ${m.method}  ${m.summary}${evidence(m.evidence)}`,
      ),
    ],
  ]
  const shown = sections.filter(([, lines]) => lines.length > 0)
  if (shown.length === 0) return t('records.none')
  return shown
    .map(
      ([title, lines]) =>
        `${title}${locale() === 'zh' ? '：' : ':'}\n${lines.map((line) => `  ${line}`).join('\n')}`,
    )
    .join('\n\n')
}
