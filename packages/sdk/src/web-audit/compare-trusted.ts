/**
 * How a bundle's checkpoint relates to one the verifier trusts, with the same statuses and
 * meaning as the Node.js verifier's (audit/bundle.ts). Only the bundle's consistency proof
 * can show that a larger checkpoint extends the trusted one here.
 */
import { MerkleProofError } from '@hejie/merkle'
import type { ConsistencyLine, TrustedCheckpointCheck, TrustedStatus } from '../audit/bundle-format.js'
import type { SignedCheckpoint } from '../audit/checkpoint-format.js'
import { decodeBase64, webMerkle } from './crypto.js'

type Trusted = Pick<SignedCheckpoint, 'origin' | 'tree_size' | 'root_hash'>

export async function compareWithTrusted(
  trusted: Trusted,
  checkpoint: SignedCheckpoint | undefined,
  consistency: ConsistencyLine | undefined,
): Promise<TrustedCheckpointCheck> {
  const result = (
    ok: boolean,
    status: TrustedStatus,
    message: string,
    method?: TrustedCheckpointCheck['method'],
  ): TrustedCheckpointCheck => ({
    ok,
    status,
    ...(method ? { method } : {}),
    treeSize: trusted.tree_size,
    rootHash: trusted.root_hash,
    message,
  })
  if (!checkpoint) return result(false, 'unproven', 'the bundle has no checkpoint to compare with it')
  if (trusted.origin !== checkpoint.origin) {
    return result(
      false,
      'other_log',
      `the trusted checkpoint is of log "${trusted.origin}", the bundle of "${checkpoint.origin}"`,
    )
  }
  const m = trusted.tree_size
  const n = checkpoint.tree_size
  if (m > n) {
    return result(
      false,
      'shrunk',
      `the bundle's checkpoint has ${n} entries, fewer than the ${m} of the trusted checkpoint: the log lost entries, or the bundle is older than the trusted checkpoint`,
    )
  }
  if (m === n) {
    return checkpoint.root_hash === trusted.root_hash
      ? result(true, 'same', `the bundle's checkpoint is the trusted checkpoint (size ${n})`, 'same_size')
      : result(
          false,
          'fork',
          `FORK: two checkpoints of size ${n} with different roots (trusted ${trusted.root_hash}, bundle ${checkpoint.root_hash}): the log was rewritten, or shows different histories to different readers`,
          'same_size',
        )
  }
  if (m === 0) return result(true, 'consistent', 'every log extends the empty one', 'same_size')
  const firstRoot = decodeBase64(trusted.root_hash)
  const secondRoot = decodeBase64(checkpoint.root_hash)
  if (!consistency || consistency.first !== m || consistency.second !== n || !firstRoot || !secondRoot) {
    return result(
      false,
      'unproven',
      `the bundle does not show whether its checkpoint (size ${n}) extends the trusted one (size ${m}): export it with consistency_from=${m}`,
    )
  }
  try {
    await webMerkle.verifyConsistency({
      firstSize: m,
      secondSize: n,
      proof: consistency.hashes,
      firstRoot,
      secondRoot,
    })
  } catch (error) {
    if (!(error instanceof MerkleProofError)) throw error
    return result(
      false,
      'inconsistent',
      `the log was rewritten: the bundle's checkpoint (size ${n}) does not extend the trusted checkpoint (size ${m}) (its consistency proof fails)`,
      'consistency_proof',
    )
  }
  return result(
    true,
    'consistent',
    `the bundle's checkpoint (size ${n}) extends the trusted checkpoint (size ${m})`,
    'consistency_proof',
  )
}
