import type { Hejie } from '../client.js'
import type { Operation, QueryParams, RequestBody } from '../internal/openapi-types.js'
import { type ListParams, paginate } from '../internal/paginate.js'
import type { RequestOptions } from '../internal/transport.js'
import type {
  AuditCheckpoint,
  AuditCosignature,
  AuditEntry,
  AuditNoteKeyList,
  ConsistencyProof,
  InclusionProof,
} from '../models.js'
import type { PagePromise } from '../pagination.js'

export type AuditEntryListParams = ListParams<QueryParams<Operation<'get', '/v1/audit/entries'>>>
export type AuditInclusionProofParams = QueryParams<Operation<'get', '/v1/audit/proofs/inclusion'>>
export type AuditConsistencyProofParams = QueryParams<Operation<'get', '/v1/audit/proofs/consistency'>>
export type AuditCosignParams = RequestBody<Operation<'post', '/v1/audit/cosignatures'>>

/** The media type of a checkpoint as a C2SP signed note (c2sp.org/tlog-checkpoint). */
const CHECKPOINT_NOTE_TYPE = 'text/x.tlog-checkpoint'

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

  /**
   * The latest checkpoint as a C2SP signed note: origin, tree size and root hash, a blank
   * line, the log's signature line, then the witnesses' cosignature lines. Verify it with
   * `verifyCheckpointNote` and `verifyCosignatures`.
   */
  async checkpointNote(options?: RequestOptions): Promise<string> {
    const headers = { ...options?.headers, accept: CHECKPOINT_NOTE_TYPE }
    const note: unknown = await this.client.get('/v1/audit/checkpoint', { options: { ...options, headers } })
    if (typeof note !== 'string') {
      throw new TypeError(`the gateway answered the checkpoint as JSON, not as ${CHECKPOINT_NOTE_TYPE}`)
    }
    return note
  }

  /**
   * The keys that sign checkpoints, current and retired, as C2SP verifier keys
   * (`<origin>+<key id>+base64(0x01 ‖ Ed25519 key)`): the same keys as the JWKS. Needs no
   * token, but is asked with this client's like every call.
   */
  noteKeys(options?: RequestOptions): Promise<AuditNoteKeyList> {
    return this.client.get('/v1/audit/note-keys', { options })
  }

  /**
   * Submits a witness's cosignature of the checkpoint of `tree_size` (witness clients only):
   * the note signature line `cosignCheckpoint` makes. Its timestamp must be later than this
   * witness's last (409 `cosignature_stale`), and it must verify over that checkpoint with the
   * witness's registered key (422 `cosignature_invalid`). Like every POST it carries an
   * idempotency key, the same on each retry.
   */
  cosign(params: AuditCosignParams, options?: RequestOptions): Promise<AuditCosignature> {
    return this.client.post('/v1/audit/cosignatures', { body: params, options })
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
