import { settledAmount } from '../../../domain/disputes/facts.js'
import { newId } from '../../../domain/ids.js'
import { referenceKey } from '../../../domain/references.js'
import { problem } from '../../../errors.js'
import { utc } from '../../../schemas/common.js'
import { insertRow } from '../../../storage/shaped-statement.js'
import { money } from '../presenter.js'
import { presentRefund } from '../records.js'
import { type EffectOf, recordEvent } from './effect.js'

/** The enterprise records a refund paid under the settlement, at most what the settlement agreed. */
export const recordRefund: EffectOf<'refunds'> = async ({ tx, current, body, evidence }) => {
  const settlement = current.settlement ? (JSON.parse(current.settlement) as { id: string }) : null
  if (!settlement)
    throw problem('invalid_transition', {
      en: 'A refund needs a recorded settlement.',
      zh: '须先登记和解，才能登记退款。',
    })
  // The reference first: a retry of a refund already recorded must learn that it was
  // (409 with `existing_id`), even when paying it again would also exceed the settlement.
  // References are compared by their key: "TXN 001" and "txn001" are one payment.
  const key = referenceKey(body.reference)
  if (key === '') {
    throw problem(
      'validation_failed',
      { en: 'The refund reference has no visible characters.', zh: '退款流水号中没有可见字符。' },
      {
        errors: [
          {
            path: 'body/reference',
            message: { en: 'only white space or invisible characters', zh: '只有空白或不可见字符' },
          },
        ],
      },
    )
  }
  const duplicate = await tx.db
    .selectFrom('refunds')
    .select(['id', 'dispute_id'])
    .where('enterprise_id', '=', current.assignee_id)
    .where('reference_key', '=', key)
    .executeTakeFirst()
  if (duplicate) {
    throw problem(
      'conflict',
      {
        en: `Refund reference ${body.reference} is already recorded as ${duplicate.id}.`,
        zh: `退款流水号 ${body.reference} 已登记为 ${duplicate.id}。`,
      },
      {
        extensions: { existing_id: duplicate.id },
      },
    )
  }
  const settled = settledAmount(current)
  if (current.refunded_amount + body.amount.amount > settled) {
    throw problem(
      'refund_exceeds_settlement',
      {
        en: `Refunds would total ${current.refunded_amount + body.amount.amount} fen, more than the ${settled} fen settled.`,
        zh: `退款合计将达 ${current.refunded_amount + body.amount.amount} 分，超过和解金额 ${settled} 分。`,
      },
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
  await insertRow(tx, 'refunds', row)
  const view = presentRefund(row, evidence)
  return {
    changes: { refunded_amount: current.refunded_amount + row.amount },
    created: { id: row.id, view },
    auditAction: 'refund.recorded',
    details: { amount: view.amount, method: row.method, reference: row.reference },
    events: (next) => [recordEvent('refund.recorded', next, view)],
  }
}
