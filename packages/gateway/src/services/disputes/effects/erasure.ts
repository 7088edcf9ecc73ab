import { type ConsumerConfirmation, withCommentErased } from '../../../domain/confirmation/answers.js'
import type { FileStore } from '../../../storage/file-store.js'
import type { WriteTransaction } from '../../write/index.js'
import { disputeUpdated, type EffectOf } from './effect.js'

/**
 * The regulator erases the consumer's personal data from the dispute, and from everything
 * that shows it: the name and phone, the files, and the comment the consumer wrote when
 * answering a settlement (`consumer_confirmation.comment`).
 */
export const erasePersonalData: EffectOf<'erase-personal-data'> = async ({ tx, current, body, files }) => {
  // The salts go with the data: the commitments in the log stay (so every proof stays
  // valid) but can no longer be linked to the consumer.
  await tx.db.deleteFrom('audit_salts').where('dispute_id', '=', current.id).execute()
  await scrubStoredResponses(tx, current.id)
  const erasedFiles = await eraseDisputeFiles(tx, files, current.id)
  await eraseConfirmationComments(tx, current.id)
  // The dispute's copy of its settlement carries the answer too.
  const settlementCopy =
    current.settlement === null ? null : withCommentErased(JSON.parse(current.settlement) as Answered)
  return {
    changes: {
      consumer_name: null,
      consumer_phone: null,
      // The key links the consumer's complaints to each other: it goes with the phone.
      consumer_phone_key: null,
      personal_data_erased_at: tx.now.toISOString(),
      ...(settlementCopy ? { settlement: JSON.stringify(settlementCopy) } : {}),
    },
    auditAction: 'dispute.personal_data_erased',
    details: { note: body.note ?? null, ...(erasedFiles.length > 0 ? { files_erased: erasedFiles } : {}) },
    events: disputeUpdated,
  }
}

/** A settlement, or a view of one, as far as it may hold the consumer's answer. */
type Answered = { consumer_confirmation?: ConsumerConfirmation | null }

/**
 * Idempotent replays would bring an erased consumer back: the stored responses that show
 * this dispute lose its consumer's name and phone, and the comment in its settlement, too.
 */
function scrubStoredResponses(tx: WriteTransaction, disputeId: string): Promise<void> {
  return rewriteStoredResponses(tx, disputeId, (body) => {
    if (body.consumer === undefined) return null
    const settlement = isObject(body.settlement) ? withCommentErased(body.settlement as Answered) : null
    return { ...body, consumer: { name: null, phone: null }, ...(settlement ? { settlement } : {}) }
  })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The consumer's comment on a settlement (the confirmation page's free text) is their own
 * words: it goes from the settlements, from the events that carried it (the settlement's
 * `settlement.confirmed` / `settlement.rejected`, and every later dispute snapshot, which
 * webhooks send again from the outbox on a retry) and from the stored responses that show
 * a settlement. The decision, the rating and the time stay, for the record and the stats;
 * the comment reads `null`, as the erased name and phone do.
 */
async function eraseConfirmationComments(tx: WriteTransaction, disputeId: string): Promise<void> {
  const settlements = await tx.db
    .selectFrom('settlements')
    .select(['id', 'consumer_confirmation'])
    .where('dispute_id', '=', disputeId)
    .execute()
  let erasedAny = false
  for (const settlement of settlements) {
    if (settlement.consumer_confirmation === null) continue
    const erased = withCommentErased({
      consumer_confirmation: JSON.parse(settlement.consumer_confirmation) as ConsumerConfirmation,
    })
    if (erased === null) continue
    erasedAny = true
    await tx.db
      .updateTable('settlements')
      .set({ consumer_confirmation: JSON.stringify(erased.consumer_confirmation) })
      .where('id', '=', settlement.id)
      .execute()
    await rewriteStoredResponses(tx, settlement.id, (body) =>
      body.object === 'settlement' ? withCommentErased(body as Answered) : null,
    )
  }
  // No comment on any settlement: no event can hold one (the outbox has no index by dispute).
  if (!erasedAny) return

  const events = await tx.db
    .selectFrom('events')
    .select(['sequence', 'data'])
    .where('dispute_id', '=', disputeId)
    .where('data', 'like', '%"comment"%')
    .execute()
  for (const event of events) {
    const envelope = JSON.parse(event.data) as { data?: { object?: unknown } }
    const object = envelope.data?.object
    if (!isObject(object)) continue
    let erased: Record<string, unknown> | null = null
    if (object.object === 'settlement') erased = withCommentErased(object as Answered)
    else if (object.object === 'dispute' && isObject(object.settlement)) {
      const settlement = withCommentErased(object.settlement as Answered)
      erased = settlement ? { ...object, settlement } : null
    }
    if (erased === null) continue
    await tx.db
      .updateTable('events')
      .set({ data: JSON.stringify({ ...envelope, data: { ...envelope.data, object: erased } }) })
      .where('sequence', '=', event.sequence)
      .execute()
  }
}

/**
 * Rewrites each stored response (kept for idempotent replays) whose body is the object
 * `id`, by `rewrite`, which returns the new body or null to leave it as it is.
 */
async function rewriteStoredResponses(
  tx: WriteTransaction,
  id: string,
  rewrite: (body: Record<string, unknown>) => Record<string, unknown> | null,
): Promise<void> {
  const stored = await tx.db
    .selectFrom('idempotency_keys')
    .select(['client_id', 'key', 'response_body'])
    .where('response_body', 'like', `%"id":"${id}"%`)
    .execute()
  for (const row of stored) {
    const body = JSON.parse(row.response_body ?? 'null') as Record<string, unknown> | null
    if (body?.id !== id) continue
    const rewritten = rewrite(body)
    if (rewritten === null) continue
    await tx.db
      .updateTable('idempotency_keys')
      .set({ response_body: JSON.stringify(rewritten) })
      .where('client_id', '=', row.client_id)
      .where('key', '=', row.key)
      .execute()
  }
}

/**
 * Erasure of a dispute's personal data takes its files' content with it: recordings, photos
 * and receipts carry the consumer's voice, face, name or address, and their names often the
 * consumer's name. The rows stay, with their
 * SHA-256, so the audit entries that cite them still verify and say what was there.
 * Returns the ids of the files whose content went.
 */
async function eraseDisputeFiles(
  tx: WriteTransaction,
  store: FileStore,
  disputeId: string,
): Promise<string[]> {
  const files = await tx.db
    .selectFrom('files')
    .select('id')
    .where('dispute_id', '=', disputeId)
    .where('erased_at', 'is', null)
    .execute()
  const ids = files.map((file) => file.id)
  if (ids.length === 0) return ids
  await store.remove(ids, tx.db)
  // The name goes too: people name recordings and photos after the consumer (张伟-录音.amr).
  await tx.db
    .updateTable('files')
    .set((eb) => ({ erased_at: tx.now.toISOString(), filename: eb.ref('id') }))
    .where('id', 'in', ids)
    .execute()
  // A replayed upload must not bring the name back either.
  for (const id of ids) {
    await rewriteStoredResponses(tx, id, (body) =>
      body.object === 'file' ? { ...body, filename: id } : null,
    )
  }
  return ids
}
