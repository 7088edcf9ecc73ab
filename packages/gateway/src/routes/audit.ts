import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { problemResponse } from '../http/problem-schema.js'
import { sendWrite, WriteHeaders, writeContextOf } from '../http/writes.js'
import {
  cosignedNote,
  currentCheckpoint,
  exportBundle,
  latestCheckpoint,
  listEntries,
  noteKeys,
  proveConsistency,
  proveInclusion,
  witnessedCheckpoint,
} from '../services/audit/index.js'
import { witnessKeyOf } from '../services/identity/clients.js'
import type { Identity } from '../services/identity/identity.js'
import { recordCosignature } from '../services/witnesses/cosignatures.js'

const reads = { roles: ['regulator', 'enterprise'], scope: 'audit:read' } as const
/** Checkpoints and consistency proofs: what a witness checks before it cosigns. */
const treeHeads = { roles: ['regulator', 'enterprise', 'witness'], scope: 'audit:read' } as const

/** The media type of a C2SP checkpoint note (c2sp.org/tlog-checkpoint). */
const NOTE_TYPE = 'text/x.tlog-checkpoint'
const Index = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
const errors = {
  400: problemResponse('Indices out of range'),
  401: problemResponse('No valid access token'),
  403: problemResponse('The token lacks audit:read'),
}

/**
 * The tamper-evident audit log (RFC 6962/9162): signed checkpoints, entries, inclusion and
 * consistency proofs, and an export bundle that `hejie audit verify` checks offline.
 */
export const auditRoutes: FastifyPluginAsyncTypebox<{ identity: Identity; origin: string }> = async (
  app,
  { identity, origin },
) => {
  app.get(
    '/v1/audit/checkpoint',
    {
      config: { access: treeHeads },
      schema: {
        tags: ['audit'],
        summary: 'The latest signed tree head, as JSON with its JWS, or as a C2SP signed note',
        description: `With \`Accept: ${NOTE_TYPE}\`, the checkpoint as a C2SP signed note (c2sp.org/tlog-checkpoint): origin, tree size and root hash, the log's Ed25519 signature, then the witnesses' cosignatures (c2sp.org/tlog-cosignature).`,
        operationId: 'getAuditCheckpoint',
        response: {
          200: {
            description: 'The latest checkpoint',
            content: {
              'application/json': { schema: Type.Ref('AuditCheckpoint') },
              [NOTE_TYPE]: { schema: Type.String() },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const latest =
        (await latestCheckpoint(app.database.db, origin)) ??
        (await currentCheckpoint(app.database, identity.keys, origin))
      const witnessed = await witnessedCheckpoint(app.database, identity.keys, latest)
      // A client that wants the note names its type; everything else gets JSON.
      if (String(request.headers.accept ?? '').includes(NOTE_TYPE)) {
        return reply.type(`${NOTE_TYPE}; charset=utf-8`).send(cosignedNote(witnessed))
      }
      return witnessed
    },
  )

  app.get(
    '/v1/audit/note-keys',
    {
      config: { access: 'public' },
      schema: {
        tags: ['audit'],
        summary: 'The keys that sign checkpoints, as C2SP verifier keys, current and retired',
        operationId: 'listAuditNoteKeys',
        response: { 200: Type.Ref('AuditNoteKeyList') },
      },
    },
    async () => {
      const data = noteKeys(identity.keys, origin, identity.keys.signingKey().kid)
      return { object: 'list' as const, data, has_more: false, next_cursor: null }
    },
  )

  app.post(
    '/v1/audit/cosignatures',
    {
      config: { access: { roles: ['witness'], scope: 'audit:cosign' } },
      schema: {
        tags: ['audit'],
        summary: "A witness's cosignature of a checkpoint it checked (c2sp.org/tlog-cosignature)",
        operationId: 'createAuditCosignature',
        headers: WriteHeaders,
        body: Type.Object(
          {
            tree_size: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
            cosignature: Type.String({
              minLength: 1,
              maxLength: 1000,
              description:
                'The note signature line: `— <witness key name> base64(key id ‖ timestamp ‖ Ed25519 signature)`',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Ref('AuditCosignature'),
          ...errors,
          403: problemResponse('Not a witness client'),
          404: problemResponse('The gateway signed no checkpoint of this size'),
          409: problemResponse('Not newer than the witness’s last cosignature'),
          422: problemResponse('The cosignature is not this witness’s or does not verify'),
        },
      },
    },
    async (request, reply) => {
      const context = writeContextOf(request)
      const verifierKey = await witnessKeyOf(app.database.db, context.actor.clientId)
      return sendWrite(
        reply,
        await recordCosignature(
          app.database,
          context,
          { clientId: context.actor.clientId, verifierKey },
          origin,
          request.body,
        ),
      )
    },
  )

  app.get(
    '/v1/audit/entries',
    {
      config: { access: reads },
      schema: {
        tags: ['audit'],
        summary: 'Entries by index (`end` exclusive); an enterprise sees those of its own disputes',
        operationId: 'listAuditEntries',
        querystring: Type.Object({
          start: Index,
          end: Type.Optional(Index),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: { 200: Type.Ref('AuditEntryList'), ...errors },
      },
    },
    async (request) => listEntries(app.database.db, principalOf(request), request.query),
  )

  app.get(
    '/v1/audit/proofs/inclusion',
    {
      config: { access: reads },
      schema: {
        tags: ['audit'],
        summary: 'Inclusion proof of one entry in a tree of a given size (RFC 9162 §2.1.3)',
        operationId: 'getAuditInclusionProof',
        querystring: Type.Object({
          leaf_index: Index,
          tree_size: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
        }),
        response: {
          200: Type.Ref('InclusionProof'),
          ...errors,
          404: problemResponse('No such entry visible to the caller'),
        },
      },
    },
    async (request) =>
      proveInclusion(app.database, principalOf(request), request.query.leaf_index, request.query.tree_size),
  )

  app.get(
    '/v1/audit/proofs/consistency',
    {
      config: { access: treeHeads },
      schema: {
        tags: ['audit'],
        summary: 'Consistency proof between two tree sizes (RFC 9162 §2.1.4)',
        operationId: 'getAuditConsistencyProof',
        querystring: Type.Object({ first: Index, second: Index }),
        response: { 200: Type.Ref('ConsistencyProof'), ...errors },
      },
    },
    async (request) => proveConsistency(app.database, request.query.first, request.query.second),
  )

  app.get(
    '/v1/audit/export',
    {
      config: { access: reads },
      schema: {
        tags: ['audit'],
        summary:
          'NDJSON bundle: manifest, checkpoint, JWKS, optionally a consistency proof, then every entry with its inclusion proof',
        operationId: 'exportAuditLog',
        querystring: Type.Object({
          from: Type.Optional(Index),
          to: Type.Optional(Index),
          enterprise_id: Type.Optional(
            Type.String({ maxLength: 64, description: "Regulators: only this enterprise's entries." }),
          ),
          consistency_from: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: Number.MAX_SAFE_INTEGER,
              description:
                'A tree size the verifier already trusts (an earlier checkpoint): the bundle then carries the consistency proof from it to its checkpoint.',
            }),
          ),
        }),
        response: {
          200: {
            description: 'One JSON document per line',
            content: { 'application/x-ndjson': { schema: Type.String() } },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const stream = await exportBundle(
        app.database,
        identity.keys,
        origin,
        principalOf(request),
        request.query,
      )
      reply
        .type('application/x-ndjson')
        .header('content-disposition', 'attachment; filename="hejie-audit.ndjson"')
      return reply.send(stream)
    },
  )
}
