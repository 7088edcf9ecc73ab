import { codeMatches, hashLinkToken, MAX_CODE_ATTEMPTS } from '../../domain/confirmation/secrets.js'
import type { Database } from '../../storage/database.js'
import { runDisputeWrite } from '../disputes/timeline-write.js'
import { consumerActor, type LinkState, stateOf } from './link.js'

export type CodeCheck =
  | { outcome: 'accepted'; requestId: string }
  | { outcome: 'wrong'; remaining: number }
  | Exclude<LinkState, { state: 'open' }>

/**
 * Checks the code the consumer typed. A wrong code counts in the same transaction that reads
 * the count (the row is locked on PostgreSQL; SQLite has one writer), so parallel guesses
 * cannot share one count; the fifth wrong code voids the link, which the audit log records.
 */
export async function checkCode(
  database: Database,
  token: string,
  code: string,
  requestId: string,
): Promise<CodeCheck> {
  const tokenHash = hashLinkToken(token)
  const found = await database.db
    .selectFrom('confirmation_requests')
    .select('id')
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!found) return { state: 'unknown' }
  const outcome = await runDisputeWrite<CodeCheck>(
    database,
    { actor: consumerActor(found), requestId },
    async (tx) => {
      let query = tx.db.selectFrom('confirmation_requests').selectAll().where('id', '=', found.id)
      if (tx.dialect === 'postgres') query = query.forUpdate()
      const request = await query.executeTakeFirstOrThrow()
      const now = stateOf(request, tx.now)
      if (now.state !== 'open') return { status: 200, body: now }
      if (/^\d{6}$/.test(code.trim()) && codeMatches(token, code, request.code_hash)) {
        return { status: 200, body: { outcome: 'accepted', requestId: request.id } }
      }
      const failed = request.failed_attempts + 1
      const voided = failed >= MAX_CODE_ATTEMPTS
      await tx.db
        .updateTable('confirmation_requests')
        .set({
          failed_attempts: failed,
          ...(voided ? { status: 'voided' as const, ended_at: tx.now.toISOString() } : {}),
        })
        .where('id', '=', request.id)
        .execute()
      if (!voided) return { status: 200, body: { outcome: 'wrong', remaining: MAX_CODE_ATTEMPTS - failed } }
      const dispute = await tx.db
        .selectFrom('disputes')
        .select(['assignee_id', 'jurisdiction_id'])
        .where('id', '=', request.dispute_id)
        .executeTakeFirstOrThrow()
      tx.audit({
        action: 'confirmation.voided',
        disputeId: request.dispute_id,
        enterpriseId: dispute.assignee_id,
        jurisdictionId: dispute.jurisdiction_id,
        objectId: request.id,
        state: { id: request.id, status: 'voided', failed_attempts: failed },
        details: { reason: 'too_many_wrong_codes' },
      })
      return { status: 200, body: { state: 'voided', request: { ...request, status: 'voided' } } }
    },
  )
  return outcome.body
}
