import type { FileStore } from '../../../storage/file-store.js'
import type { WriteTransaction } from '../../write/index.js'
import { disputeUpdated, type EffectOf } from './effect.js'

/** The regulator erases the consumer's name and phone from the dispute, and from everything that shows them. */
export const erasePersonalData: EffectOf<'erase-personal-data'> = async ({ tx, current, body, files }) => {
  // The salts go with the data: the commitments in the log stay (so every proof stays
  // valid) but can no longer be linked to the consumer.
  await tx.db.deleteFrom('audit_salts').where('dispute_id', '=', current.id).execute()
  await scrubStoredResponses(tx, current.id)
  const erasedFiles = await eraseDisputeFiles(tx, files, current.id)
  return {
    changes: {
      consumer_name: null,
      consumer_phone: null,
      // The key links the consumer's complaints to each other: it goes with the phone.
      consumer_phone_key: null,
      personal_data_erased_at: tx.now.toISOString(),
    },
    auditAction: 'dispute.personal_data_erased',
    details: { note: body.note ?? null, ...(erasedFiles.length > 0 ? { files_erased: erasedFiles } : {}) },
    events: disputeUpdated,
  }
}

/**
 * Idempotent replays would bring an erased consumer back: the stored responses that show
 * this dispute lose its consumer's name and phone too.
 */
function scrubStoredResponses(tx: WriteTransaction, disputeId: string): Promise<void> {
  return rewriteStoredResponses(tx, disputeId, (body) =>
    body.consumer === undefined ? null : { ...body, consumer: { name: null, phone: null } },
  )
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
