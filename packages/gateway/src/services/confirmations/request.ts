import {
  hashConfirmationCode,
  hashLinkToken,
  newConfirmationCode,
  newLinkToken,
} from '../../domain/confirmation/secrets.js'
import { newId } from '../../domain/ids.js'
import { holderOf, type Principal } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { ConfirmationRequestTable } from '../../storage/schema.js'
import { lockDispute } from '../disputes/locking.js'
import { assigneeOf } from '../disputes/presenter.js'
import { runDisputeWrite } from '../disputes/timeline-write.js'
import type { WriteContext, WriteOutcome } from '../write/index.js'

export interface ConfirmationLinks {
  /** `HEJIE_PUBLIC_URL` (or the development default), without a trailing slash. */
  publicUrl: string
  ttlHours: number
}

/** The request as the API and its event show it, without the code. */
export function presentConfirmationRequest(row: ConfirmationRequestTable, url: string) {
  return {
    id: row.id,
    object: 'confirmation_request' as const,
    dispute_id: row.dispute_id,
    settlement_id: row.settlement_id,
    url,
    expires_at: row.expires_at,
    created_at: row.created_at,
  }
}

/**
 * The assignee or a regulator asks the consumer to confirm the settlement: a one-time link and
 * a 6-digit code. A newer request voids the older links still open, so only one link of a
 * settlement works at a time. Once the consumer has answered, there is nothing left to ask.
 * The code is in the answer only: the idempotency record and the event keep the request
 * without it, so no stored copy holds the link and its code together.
 */
export function requestConfirmation(
  database: Database,
  links: ConfirmationLinks,
  context: WriteContext & { actor: Principal },
  disputeId: string,
): Promise<WriteOutcome<unknown>> {
  const principal = context.actor
  return runDisputeWrite(database, context, async (tx) => {
    const dispute = await lockDispute(tx, principal, disputeId)
    if (principal.role !== 'regulator' && holderOf(principal) !== dispute.assignee_id) {
      throw problem('forbidden', {
        en: 'Only the assignee holding the dispute, or a regulator, may ask the consumer.',
        zh: '只有正在承办该纠纷的一方或监管部门可以请消费者确认。',
      })
    }
    const settledNow = dispute.status === 'settled'
    const closedSettled = dispute.status === 'closed' && dispute.resolution === 'settled'
    if (dispute.settlement === null || !(settledNow || closedSettled)) {
      throw problem(
        'no_settlement',
        {
          en: `The dispute is ${dispute.status}${dispute.resolution ? ` (${dispute.resolution})` : ''}: the consumer is asked to confirm a settlement once it is recorded.`,
          zh: `纠纷状态为 ${dispute.status}${dispute.resolution ? `（${dispute.resolution}）` : ''}：和解登记之后才能请消费者确认。`,
        },
        { extensions: { current_status: dispute.status } },
      )
    }
    if (dispute.consumer_decision !== null) {
      throw problem('consumer_already_answered', {
        en: `The consumer has already ${dispute.consumer_decision} the settlement; the answer is final.`,
        zh: `消费者已${dispute.consumer_decision === 'confirmed' ? '确认' : '拒绝'}该和解，答复不可更改。`,
      })
    }
    const settlementId = (JSON.parse(dispute.settlement) as { id: string }).id
    const at = tx.now.toISOString()

    await tx.db
      .updateTable('confirmation_requests')
      .set({ status: 'voided', ended_at: at })
      .where('dispute_id', '=', dispute.id)
      .where('status', '=', 'pending')
      .execute()

    const token = newLinkToken()
    const code = newConfirmationCode()
    const row: ConfirmationRequestTable = {
      id: newId('cfr', tx.now.getTime()),
      dispute_id: dispute.id,
      settlement_id: settlementId,
      token_hash: hashLinkToken(token),
      code_hash: hashConfirmationCode(token, code),
      status: 'pending',
      failed_attempts: 0,
      requested_by: principal.clientId,
      expires_at: new Date(tx.now.getTime() + links.ttlHours * 3_600_000).toISOString(),
      created_at: at,
      ended_at: null,
    }
    await tx.db.insertInto('confirmation_requests').values(row).execute()

    const view = presentConfirmationRequest(row, `${links.publicUrl}/c/${token}`)
    const { url: _url, ...audited } = view
    tx.audit({
      action: 'confirmation.requested',
      disputeId: dispute.id,
      enterpriseId: dispute.assignee_id,
      jurisdictionId: dispute.jurisdiction_id,
      objectId: row.id,
      // The link is a key: the audit entry commits to the request without it.
      state: audited,
      details: { settlement_id: settlementId, expires_at: row.expires_at },
    })
    tx.emit({
      type: 'confirmation.requested',
      enterpriseId: dispute.assignee_id,
      assignee: assigneeOf(dispute),
      jurisdictionId: dispute.jurisdiction_id,
      disputeId: dispute.id,
      object: view,
    })
    return { status: 201, body: { ...view, code }, replayBody: view }
  })
}
