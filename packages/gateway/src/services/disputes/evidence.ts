import type { Kysely } from 'kysely'
import type { Actor } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { FileTable, Schema } from '../../storage/schema.js'
import type { EvidenceDigest } from '../audit/index.js'
import type { WriteTransaction } from '../write/index.js'

/** Files a record cites, checked, in the order the body lists them. */
export type CitedFiles = readonly Pick<FileTable, 'id' | 'sha256' | 'dispute_id'>[]

/**
 * Checks the files a request cites as evidence for a dispute: each exists, still has its
 * content, and is either this dispute's or not yet bound and uploaded by the caller. Anything
 * else (another dispute's file, someone else's upload, an id we never issued) is one answer,
 * 422 `invalid_evidence`, so that the answer does not tell which files exist elsewhere.
 */
export async function checkEvidence(
  tx: WriteTransaction,
  actor: Actor,
  disputeId: string,
  ids: readonly string[] | undefined,
): Promise<CitedFiles> {
  if (!ids?.length) return []
  const rows = await tx.db
    .selectFrom('files')
    .select(['id', 'sha256', 'dispute_id', 'uploaded_by', 'erased_at'])
    .where('id', 'in', ids)
    .execute()
  const byId = new Map(rows.map((row) => [row.id, row]))
  const refused = ids.flatMap((id, index) => {
    const file = byId.get(id)
    const usable =
      file !== undefined &&
      file.erased_at === null &&
      (file.dispute_id === disputeId || (file.dispute_id === null && file.uploaded_by === actor.clientId))
    return usable
      ? []
      : [
          {
            path: `body/evidence/${index}`,
            message: {
              en: `${id} is not a file this request may cite`,
              zh: `${id} 不是本请求可以引用的文件`,
            },
          },
        ]
  })
  if (refused.length > 0) {
    throw problem(
      'invalid_evidence',
      {
        en: 'Evidence must name files of this dispute, or files the caller uploaded that no dispute holds yet.',
        zh: '证据只能引用本纠纷的文件，或调用方自己上传、尚未归入任何纠纷的文件。',
      },
      { errors: refused },
    )
  }
  return ids.map((id) => byId.get(id) as CitedFiles[number])
}

/**
 * Binds checked files to the record that cites them, in the same write: unbound files join the
 * dispute (the 24-hour purge no longer applies to them), and the record's citation is kept.
 * Returns what the audit entry commits to.
 */
export async function bindEvidence(
  tx: WriteTransaction,
  disputeId: string,
  objectId: string,
  files: CitedFiles,
): Promise<EvidenceDigest[]> {
  if (files.length === 0) return []
  const unbound = files.filter((file) => file.dispute_id === null).map((file) => file.id)
  if (unbound.length > 0) {
    await tx.db.updateTable('files').set({ dispute_id: disputeId }).where('id', 'in', unbound).execute()
  }
  await tx.db
    .insertInto('evidence_links')
    .values(
      files.map((file, position) => ({
        object_id: objectId,
        file_id: file.id,
        dispute_id: disputeId,
        position,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute()
  return files.map((file) => ({ file_id: file.id, sha256: file.sha256 }))
}

/** The files each record cites, in the order it cited them. */
export async function evidenceOf(
  db: Kysely<Schema>,
  objectIds: readonly string[],
): Promise<Map<string, string[]>> {
  const cited = new Map<string, string[]>(objectIds.map((id) => [id, []]))
  if (objectIds.length === 0) return cited
  const rows = await db
    .selectFrom('evidence_links')
    .select(['object_id', 'file_id'])
    .where('object_id', 'in', objectIds)
    .orderBy('object_id')
    .orderBy('position')
    .execute()
  for (const row of rows) cited.get(row.object_id)?.push(row.file_id)
  return cited
}
