import type { Hejie } from '../client.js'
import type { Operation, QueryParams } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type { AuditCheckpoint, AuditEntry, ConsistencyProof, InclusionProof } from '../models.js'
import type { PagePromise } from '../pagination.js'

export type AuditEntryListParams = ListParams<QueryParams<Operation<'get', '/v1/audit/entries'>>>
export type AuditInclusionProofParams = QueryParams<Operation<'get', '/v1/audit/proofs/inclusion'>>
export type AuditConsistencyProofParams = QueryParams<Operation<'get', '/v1/audit/proofs/consistency'>>

/**
 * The tamper-evident audit log (RFC 6962/9162): what the gateway signs and proves. Check the
 * proofs with `verifyInclusion` and `verifyConsistency` against a checkpoint you trust.
 */
export class Audit {
  constructor(private readonly client: Hejie) {}

  /** The latest signed tree head: `root_hash` over the first `tree_size` entries. */
  checkpoint(options?: RequestOptions): Promise<AuditCheckpoint> {
    return this.client.get('/v1/audit/checkpoint', { options })
  }

  /** Entries from index `start` (to `end`, exclusive); an enterprise sees those of its disputes. */
  entries(params: AuditEntryListParams, options?: RequestOptions): PagePromise<AuditEntry> {
    return paginate(this.client, '/v1/audit/entries', { query: params, options }, (next) => ({
      start: Number(next),
    }))
  }

  /** The hashes that lead from entry `leaf_index` to the root of a tree of `tree_size` entries. */
  inclusionProof(params: AuditInclusionProofParams, options?: RequestOptions): Promise<InclusionProof> {
    return this.client.get('/v1/audit/proofs/inclusion', { query: params, options })
  }

  /** The hashes that show the tree of size `second` extends the tree of size `first`. */
  consistencyProof(params: AuditConsistencyProofParams, options?: RequestOptions): Promise<ConsistencyProof> {
    return this.client.get('/v1/audit/proofs/consistency', { query: params, options })
  }
}
