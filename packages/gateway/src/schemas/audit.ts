import { Type } from 'typebox'
import { ListOf } from './common.js'

/** The audit log's objects, as `/v1/audit` shows them. */
const Base64Hash = Type.String({ description: 'SHA-256, base64' })

const Checkpoint = Type.Object(
  {
    origin: Type.String(),
    tree_size: Type.Integer(),
    root_hash: Base64Hash,
    timestamp: Type.String({ format: 'date-time' }),
    signature: Type.String({
      description:
        'Compact JWS (EdDSA, `typ: audit-checkpoint+jwt`, key in the JWKS) over the other four fields.',
    }),
  },
  { $id: 'AuditCheckpoint' },
)
const AuditEntry = Type.Object(
  {
    index: Type.Integer(),
    leaf_hash: Type.String({ description: 'SHA-256(0x00 ‖ canonical), base64' }),
    canonical: Type.String({ description: 'The RFC 8785 bytes exactly as hashed, base64' }),
    entry: Type.Optional(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description: 'The same bytes parsed, for reading; absent when they do not parse (a damaged row)',
        },
      ),
    ),
  },
  { $id: 'AuditEntry' },
)
const AuditEntryList = ListOf('AuditEntry', 'AuditEntryList')
const InclusionProof = Type.Object(
  { leaf_index: Type.Integer(), tree_size: Type.Integer(), hashes: Type.Array(Base64Hash) },
  { $id: 'InclusionProof' },
)
const ConsistencyProof = Type.Object(
  { first: Type.Integer(), second: Type.Integer(), hashes: Type.Array(Base64Hash) },
  { $id: 'ConsistencyProof' },
)
export const auditSchemas = [Checkpoint, AuditEntry, AuditEntryList, InclusionProof, ConsistencyProof]
