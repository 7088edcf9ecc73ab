import type { ConsumerConfirmation } from '../../domain/confirmation/answers.js'
import type {
  ContactTable,
  MediationRecordTable,
  RefundTable,
  SettlementTable,
} from '../../storage/schema.js'
import { money } from './presenter.js'

/** The API objects of the records enterprises and regulators add to a dispute. */

export function presentSettlement(row: SettlementTable, evidence: readonly string[]) {
  return {
    id: row.id,
    object: 'settlement' as const,
    dispute_id: row.dispute_id,
    remedy: row.remedy,
    amount: row.amount === null ? null : money(row.amount),
    terms: row.terms,
    agreed_at: row.agreed_at,
    consumer_consent: { method: row.consent_method, reference: row.consent_reference },
    evidence: [...evidence],
    created_at: row.created_at,
    consumer_confirmation:
      row.consumer_confirmation === null
        ? null
        : (JSON.parse(row.consumer_confirmation) as ConsumerConfirmation),
  }
}

export function presentRefund(row: RefundTable, evidence: readonly string[]) {
  return {
    id: row.id,
    object: 'refund' as const,
    dispute_id: row.dispute_id,
    settlement_id: row.settlement_id,
    amount: money(row.amount),
    method: row.method,
    reference: row.reference,
    refunded_at: row.refunded_at,
    evidence: [...evidence],
    created_at: row.created_at,
  }
}

export function presentContact(row: ContactTable, evidence: readonly string[]) {
  return {
    id: row.id,
    object: 'contact' as const,
    dispute_id: row.dispute_id,
    channel: row.channel,
    contacted_at: row.contacted_at,
    reached: row.reached === 1,
    summary: row.summary,
    evidence: [...evidence],
    created_at: row.created_at,
  }
}

export interface FeedbackRecord {
  id: string
  object: 'feedback'
  dispute_id: string
  resolved: boolean
  satisfaction: 'satisfied' | 'basically_satisfied' | 'dissatisfied'
  note: string | null
  recorded_at: string
}

export function presentMediationRecord(row: MediationRecordTable, evidence: readonly string[]) {
  return {
    id: row.id,
    object: 'mediation_record' as const,
    dispute_id: row.dispute_id,
    held_at: row.held_at,
    method: row.method,
    participants: JSON.parse(row.participants) as { role: string; name: string }[],
    summary: row.summary,
    agreement: row.agreement,
    evidence: [...evidence],
    created_at: row.created_at,
  }
}
