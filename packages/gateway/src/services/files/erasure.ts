import type { FileStore } from '../../storage/file-store.js'
import type { WriteTransaction } from '../write/index.js'

/**
 * Erasure of a dispute's personal data takes its files' content with it: recordings, photos
 * and receipts carry the consumer's voice, face, name or address. The rows stay, with their
 * SHA-256, so the audit entries that cite them still verify and say what was there.
 * Returns the ids of the files whose content went.
 */
export async function eraseDisputeFiles(
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
  await tx.db.updateTable('files').set({ erased_at: tx.now.toISOString() }).where('id', 'in', ids).execute()
  return ids
}
