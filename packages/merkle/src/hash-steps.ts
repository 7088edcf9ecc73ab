/**
 * One verification walk for a synchronous and an asynchronous SHA-256. A walk is written
 * once, as a generator that yields each hash it needs and receives the digest back; these
 * two drivers answer it, one directly, one by awaiting. So the checks, their order and
 * their messages cannot drift apart between Node.js and a browser with only WebCrypto.
 */
import type { AsyncTreeHashes, TreeHashes } from './hashing.js'

/** A hash a walk needs: of an interior node (left, right), or the root of the empty tree. */
export type HashRequest = readonly [left: Uint8Array, right: Uint8Array] | 'empty'

/** A walk: yields the hashes it needs, returns when the check passed, throws when it failed. */
export type HashSteps = Generator<HashRequest, void, Uint8Array>

export function runSteps(steps: HashSteps, hashes: TreeHashes): void {
  let step = steps.next()
  while (!step.done) {
    const request = step.value
    step = steps.next(request === 'empty' ? hashes.emptyRoot : hashes.nodeHash(request[0], request[1]))
  }
}

export async function runStepsAsync(steps: HashSteps, hashes: AsyncTreeHashes): Promise<void> {
  let step = steps.next()
  while (!step.done) {
    const request = step.value
    const digest = await (request === 'empty' ? hashes.emptyRoot() : hashes.nodeHash(request[0], request[1]))
    step = steps.next(digest)
  }
}
