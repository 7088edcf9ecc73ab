/**
 * How a bundle's checkpoint relates to one the verifier trusts, with the same statuses and
 * meaning as the Node.js verifier's (audit/bundle.ts). Only the bundle's consistency proof
 * can show that a larger checkpoint extends the trusted one here.
 */
import { MerkleProofError } from '@hejie/merkle'
import type { ConsistencyLine, TrustedCheckpointCheck } from '../audit/bundle-format.js'
import type { SignedCheckpoint } from '../audit/checkpoint-format.js'
import { extensionMessages, verdictsAbout, verdictWithoutProof } from '../audit/trusted-comparison.js'
import { decodeBase64, webMerkle } from './crypto.js'

type Trusted = Pick<SignedCheckpoint, 'origin' | 'tree_size' | 'root_hash'>

export async function compareWithTrusted(
  trusted: Trusted,
  checkpoint: SignedCheckpoint | undefined,
  consistency: ConsistencyLine | undefined,
): Promise<TrustedCheckpointCheck> {
  const result = verdictsAbout(trusted)
  const settled = verdictWithoutProof(trusted, checkpoint, result)
  if (settled || !checkpoint) return settled ?? result(false, 'unproven', 'the bundle has no checkpoint')
  const m = trusted.tree_size
  const n = checkpoint.tree_size
  const messages = extensionMessages(m, n)
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
      `${messages.rewritten} (its consistency proof fails)`,
      'consistency_proof',
    )
  }
  return result(true, 'consistent', messages.extends, 'consistency_proof')
}
