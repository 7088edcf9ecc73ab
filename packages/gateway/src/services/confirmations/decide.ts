import { type ConsumerConfirmation, withoutComment } from '../../domain/confirmation/answers.js'
import { hashLinkToken } from '../../domain/confirmation/secrets.js'
import type { Database } from '../../storage/database.js'
import type { DisputeTable } from '../../storage/schema.js'
import { recordEvent } from '../disputes/effects/effect.js'
import { evidenceOf } from '../disputes/evidence.js'
import { presentSettlement } from '../disputes/records.js'
import { saveDispute } from '../disputes/saving.js'
import { runDisputeWrite } from '../disputes/timeline-write.js'
import { consumerActor, type LinkState, stateOf } from './link.js'

export type Decision = Omit<ConsumerConfirmation, 'at'>

export type DecisionOutcome =
  | { outcome: 'recorded'; confirmation: ConsumerConfirmation }
  | Exclude<LinkState, { state: 'open' }>

/**
 * Records the consumer's answer, once: on the settlement (and its copy on the dispute), with
 * `settlement.confirmed` or `settlement.rejected` to the assignee and the regulators. A
 * rejection changes no status: the dispute stays settled until the assignee or a regulator
 * acts on it. The answer is not `feedback`, which stays the bureau's own 回访.
 */
export async function decide(
  database: Database,
  token: string,
  decision: Decision,
  requestId: string,
): Promise<DecisionOutcome> {
  const found = await database.db
    .selectFrom('confirmation_requests')
    .select('id')
    .where('token_hash', '=', hashLinkToken(token))
    .executeTakeFirst()
  if (!found) return { state: 'unknown' }
  const outcome = await runDisputeWrite<DecisionOutcome>(
    database,
    { actor: consumerActor(found), requestId },
    async (tx) => {
      let requestQuery = tx.db.selectFrom('confirmation_requests').selectAll().where('id', '=', found.id)
      if (tx.dialect === 'postgres') requestQuery = requestQuery.forUpdate()
      const request = await requestQuery.executeTakeFirstOrThrow()
      const now = stateOf(request, tx.now)
      if (now.state !== 'open') return { status: 200, body: now }

      let disputeQuery = tx.db.selectFrom('disputes').selectAll().where('id', '=', request.dispute_id)
      if (tx.dialect === 'postgres') disputeQuery = disputeQuery.forUpdate()
      const current = await disputeQuery.executeTakeFirstOrThrow()
      const at = tx.now.toISOString()
      // Answered through an earlier link that raced this one: the first answer stands.
      if (current.consumer_decision !== null) return { status: 200, body: { state: 'used', request } }

      const confirmation: ConsumerConfirmation = {
        decision: decision.decision,
        rating: decision.rating,
        ...(decision.comment ? { comment: decision.comment } : {}),
        at,
      }
      await tx.db
        .updateTable('settlements')
        .set({ consumer_confirmation: JSON.stringify(confirmation) })
        .where('id', '=', request.settlement_id)
        .execute()
      const cited = await evidenceOf(tx.db, [request.settlement_id])
      const settlement = presentSettlement(
        await tx.db
          .selectFrom('settlements')
          .selectAll()
          .where('id', '=', request.settlement_id)
          .executeTakeFirstOrThrow(),
        cited.get(request.settlement_id) ?? [],
      )
      await tx.db
        .updateTable('confirmation_requests')
        .set({ status: 'answered', ended_at: at })
        .where('id', '=', request.id)
        .execute()

      // The dispute's copy of its settlement carries the answer only if it is that settlement.
      const copy = current.settlement === null ? null : (JSON.parse(current.settlement) as { id: string })
      const next: DisputeTable = {
        ...current,
        settlement: copy?.id === settlement.id ? JSON.stringify(settlement) : current.settlement,
        consumer_decision: confirmation.decision,
        consumer_rating: confirmation.rating,
        version: current.version + 1,
        updated_at: at,
      }
      await saveDispute(tx, current, next)

      const type = confirmation.decision === 'confirmed' ? 'settlement.confirmed' : 'settlement.rejected'
      tx.audit({
        action: type,
        disputeId: current.id,
        enterpriseId: current.assignee_id,
        jurisdictionId: current.jurisdiction_id,
        objectId: settlement.id,
        // The comment is the consumer's own words: personal data, which the log holds only
        // as a salted commitment (the salt goes with an erasure), never in `state`'s digest.
        state: withoutComment(settlement),
        ...(confirmation.comment ? { personalData: { comment: confirmation.comment } } : {}),
        details: { decision: confirmation.decision, rating: confirmation.rating, request_id: request.id },
      })
      tx.emit(recordEvent(type, next, settlement))
      return { status: 200, body: { outcome: 'recorded', confirmation } }
    },
  )
  return outcome.body
}
