import { settledAmount } from '../../../domain/disputes/facts.js'
import { newId } from '../../../domain/ids.js'
import { referenceKey } from '../../../domain/references.js'
import { problem } from '../../../errors.js'
import { utc } from '../../../schemas/common.js'
import { money } from '../presenter.js'
import { presentRefund } from '../records.js'
import { type EffectOf, recordEvent } from './effect.js'

/** The enterprise records a refund paid under the settlement, at most what the settlement agreed. */
export const recordRefund: EffectOf<'refunds'> = async ({ tx, current, body, evidence }) => {
  const settlement = current.settlement ? (JSON.parse(current.settlement) as { id: string }) : null
  if (!settlement) throw problem('invalid_transition', 'A refund needs a recorded settlement.')
  // The reference first: a retry of a refund already recorded must learn that it was
  // (409 with `existing_id`), even when paying it again would also exceed the settlement.
  // References are compared by their key: "TXN 001" and "txn001" are one payment.
  const key = referenceKey(body.reference)
  if (key === '') {
    throw problem('validation_failed', 'The refund reference has no visible characters.', {
      errors: [{ path: 'body/reference', message: 'only white space or invisible characters' }],
    })
  }
  const duplicate = await tx.db
    .selectFrom('refunds')
    .select(['id', 'dispute_id'])
    .where('enterprise_id', '=', current.assignee_id)
    .where('reference_key', '=', key)
    .executeTakeFirst()
  if (duplicate) {
    throw problem('conflict', `Refund reference ${body.reference} is already recorded as ${duplicate.id}.`, {
      extensions: { existing_id: duplicate.id },
    })
  }
  const settled = settledAmount(current)
  if (current.refunded_amount + body.amount.amount > settled) {
    throw problem(
      'refund_exceeds_settlement',
      `Refunds would total ${current.refunded_amount + body.amount.amount} fen, more than the ${settled} fen settled.`,
      { extensions: { settled: money(settled), refunded: money(current.refunded_amount) } },
    )
  }
  const row = {
    id: newId('rfd', tx.now.getTime()),
    dispute_id: current.id,
    enterprise_id: current.assignee_id,
    settlement_id: settlement.id,
    amount: body.amount.amount,
    method: body.method,
    reference: body.reference,
    reference_key: key,
    refunded_at: utc(body.refunded_at),
    created_at: tx.now.toISOString(),
  }
  await tx.db.insertInto('refunds').values(row).execute()
  const view = presentRefund(row, evidence)
  return {
    changes: { refunded_amount: current.refunded_amount + row.amount },
    created: { id: row.id, view },
    auditAction: 'refund.recorded',
    details: { amount: view.amount, method: row.method, reference: row.reference },
    events: (next) => [recordEvent('refund.recorded', next, view)],
  }
}
