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
    note: Type.String({
      description:
        "The same checkpoint as a C2SP signed note (origin, tree size, root hash), signed by the JWS's key; verifier keys at /v1/audit/note-keys",
    }),
    cosignatures: Type.Array(Type.Ref('AuditCheckpointCosignature'), {
      description:
        "Witnesses' cosignatures of this checkpoint (c2sp.org/tlog-cosignature), the latest of each witness",
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
const Cosignature = Type.Object(
  {
    witness: Type.String({ description: "The witness's key name" }),
    timestamp: Type.Integer({ description: 'When the witness cosigned, POSIX seconds' }),
    line: Type.String({ description: 'The note signature line, as the witness made it' }),
  },
  { $id: 'AuditCheckpointCosignature' },
)
const AuditCosignature = Type.Object(
  {
    object: Type.Literal('cosignature'),
    witness: Type.String(),
    tree_size: Type.Integer(),
    timestamp: Type.Integer(),
    line: Type.String(),
  },
  { $id: 'AuditCosignature' },
)
const NoteKey = Type.Object(
  {
    object: Type.Literal('note_key'),
    kid: Type.String({ description: 'The key in the JWKS' }),
    verifier_key: Type.String({
      description: 'C2SP verifier key: `<origin>+<key id>+base64(0x01 ‖ Ed25519 key)`',
    }),
    current: Type.Boolean({ description: 'Signs new checkpoints; the others are retired' }),
  },
  { $id: 'AuditNoteKey' },
)
const NoteKeyList = ListOf('AuditNoteKey', 'AuditNoteKeyList')
const ConsistencyProof = Type.Object(
  { first: Type.Integer(), second: Type.Integer(), hashes: Type.Array(Base64Hash) },
  { $id: 'ConsistencyProof' },
)
export const auditSchemas = [
  Cosignature,
  AuditCosignature,
  NoteKey,
  NoteKeyList,
  Checkpoint,
  AuditEntry,
  AuditEntryList,
  InclusionProof,
  ConsistencyProof,
]
