import type { Kysely } from 'kysely'
import { maskName } from '../../domain/privacy.js'
import type { Schema } from '../../storage/schema.js'

/** What the consumer sees of the settlement: its terms, who settled, and their own name masked. */
export interface SettlementTerms {
  /** The enterprise, or the bureau's handling unit, that recorded the settlement. */
  respondent: string
  /** `张*`; null once erased. */
  consumer: string | null
  remedy: string
  /** Fen; null for a remedy without money. */
  amount: number | null
  terms: string
  agreed_at: string
}

export async function settlementTerms(db: Kysely<Schema>, settlementId: string): Promise<SettlementTerms> {
  const row = await db
    .selectFrom('settlements as s')
    .innerJoin('disputes as d', 'd.id', 's.dispute_id')
    .leftJoin('enterprises as e', 'e.id', 'd.assignee_id')
    .leftJoin('handling_units as u', 'u.id', 'd.assignee_id')
    .select([
      's.remedy',
      's.amount',
      's.terms',
      's.agreed_at',
      'd.consumer_name',
      'e.name as enterprise',
      'u.name as unit',
    ])
    .where('s.id', '=', settlementId)
    .executeTakeFirstOrThrow()
  return {
    respondent: row.enterprise ?? row.unit ?? '',
    consumer: row.consumer_name === null ? null : maskName(row.consumer_name),
    remedy: row.remedy,
    amount: row.amount,
    terms: row.terms,
    agreed_at: row.agreed_at,
  }
}
