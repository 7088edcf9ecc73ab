/**
 * How a bundle's checkpoint relates to one the verifier trusts: the verdicts that need no
 * proof, shared by the Node.js verifier (bundle.ts) and the browser's (web-audit), which
 * then differ only in how they prove that a larger checkpoint extends the trusted one.
 */
import type { TrustedCheckpointCheck, TrustedStatus } from './bundle-format.js'
import type { SignedCheckpoint } from './checkpoint-format.js'

type Trusted = Pick<SignedCheckpoint, 'origin' | 'tree_size' | 'root_hash'>

export type TrustedVerdict = (
  ok: boolean,
  status: TrustedStatus,
  message: string,
  method?: TrustedCheckpointCheck['method'],
) => TrustedCheckpointCheck

/** Builds the verdicts about one trusted checkpoint. */
export function verdictsAbout(trusted: Trusted): TrustedVerdict {
  return (ok, status, message, method) => ({
    ok,
    status,
    ...(method ? { method } : {}),
    treeSize: trusted.tree_size,
    rootHash: trusted.root_hash,
    message,
  })
}

/**
 * The verdict when no proof is needed: no checkpoint, another log, fewer entries, the same
 * size (same root, or a fork), or an empty trusted log. Undefined when the bundle's
 * checkpoint is larger and must be shown to extend the trusted one.
 */
export function verdictWithoutProof(
  trusted: Trusted,
  checkpoint: SignedCheckpoint | undefined,
  result: TrustedVerdict,
): TrustedCheckpointCheck | undefined {
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
  return undefined
}

/** The messages of a larger checkpoint that extends the trusted one, or does not. */
export function extensionMessages(m: number, n: number) {
  return {
    extends: `the bundle's checkpoint (size ${n}) extends the trusted checkpoint (size ${m})`,
    rewritten: `the log was rewritten: the bundle's checkpoint (size ${n}) does not extend the trusted checkpoint (size ${m})`,
  }
}
