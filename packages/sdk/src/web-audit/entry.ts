/**
 * One audit entry, as `GET /v1/audit/entries` lists it, proved against a signed checkpoint
 * in a browser: its leaf hash recomputed from its stored bytes (the `leaf_hash` it comes
 * with is never trusted), its parsed `entry` held to those bytes, and its inclusion proof.
 */
import { MerkleProofError, toBase64 } from '@hejie/merkle'
import { parseEntry } from '../audit/bundle-format.js'
import type { SignedCheckpoint } from '../audit/checkpoint-format.js'
import type { AuditEntry, InclusionProof } from '../models.js'
import { decodeBase64, webMerkle } from './crypto.js'
import { sameJson } from './same-json.js'

export interface AuditEntryCheck {
  ok: boolean
  message: string
}

export interface AuditEntryProof {
  /** The entry as `GET /v1/audit/entries` lists it. */
  entry: Pick<AuditEntry, 'index' | 'leaf_hash' | 'canonical' | 'entry'>
  /** Its proof from `GET /v1/audit/proofs/inclusion`, asked for the checkpoint's tree size. */
  proof: Pick<InclusionProof, 'leaf_index' | 'tree_size' | 'hashes'>
  /** A checkpoint whose signature verifyCheckpointSignature accepted: the proof is only as good as it. */
  checkpoint: Pick<SignedCheckpoint, 'tree_size' | 'root_hash'>
}

/** Checks that the entry is what its stored bytes say and that those bytes are in the signed tree. */
export async function verifyAuditEntry(input: AuditEntryProof): Promise<AuditEntryCheck> {
  return (await provedEntry(input)).check
}

/**
 * The check, and the entry as its verified bytes say it (for the timeline check, which must
 * compare with the bytes and not with the `entry` shown beside them).
 */
export async function provedEntry(
  input: AuditEntryProof,
): Promise<{ check: AuditEntryCheck; stored?: Record<string, unknown> }> {
  const { entry, proof, checkpoint } = input
  const fail = (message: string) => ({ check: { ok: false, message: `entry ${entry.index}: ${message}` } })
  const bytes = decodeBase64(entry.canonical)
  if (!bytes) return fail('its canonical bytes are not base64')
  const leafHash = await webMerkle.leafHash(bytes)
  if (toBase64(leafHash) !== entry.leaf_hash)
    return fail('its leaf_hash is not the hash of its canonical bytes')
  const stored = parseEntry(bytes)
  if (!stored) return fail('its canonical bytes are not a JSON entry')
  if (stored.index !== entry.index) {
    return fail(`its canonical bytes say index ${String(stored.index)}`)
  }
  if (!sameJson(stored, entry.entry)) return fail('the entry shown differs from its canonical bytes')
  if (proof.leaf_index !== entry.index) return fail(`the proof is for entry ${proof.leaf_index}`)
  if (proof.tree_size !== checkpoint.tree_size) {
    return fail(
      `the proof is for a tree of ${proof.tree_size} entries, the checkpoint's has ${checkpoint.tree_size}`,
    )
  }
  const rootHash = decodeBase64(checkpoint.root_hash)
  const hashes = proof.hashes.map(decodeBase64)
  if (!rootHash) return fail("the checkpoint's root_hash is not base64")
  if (hashes.some((hash) => hash === undefined)) return fail('a proof hash is not base64')
  try {
    await webMerkle.verifyInclusion({
      leafHash,
      leafIndex: entry.index,
      treeSize: checkpoint.tree_size,
      proof: hashes as Uint8Array[],
      rootHash,
    })
  } catch (error) {
    if (error instanceof MerkleProofError) return fail(`its inclusion proof fails: ${error.message}`)
    throw error
  }
  return {
    check: {
      ok: true,
      message: `entry ${entry.index} is in the checkpoint's tree of ${checkpoint.tree_size}`,
    },
    stored,
  }
}
