/** Thrown when a proof, a hash or a tree size given for verification is not valid. */
export class MerkleProofError extends Error {
  override name = 'MerkleProofError'
}
