import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../http/authentication.js'
import { problemResponse } from '../http/problem-schema.js'
import {
  currentCheckpoint,
  exportBundle,
  latestCheckpoint,
  listEntries,
  proveConsistency,
  proveInclusion,
} from '../services/audit/index.js'
import type { Identity } from '../services/identity/identity.js'

const reads = { roles: ['regulator', 'enterprise'], scope: 'audit:read' } as const
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
      config: { access: reads },
      schema: {
        tags: ['audit'],
        summary: 'The latest signed tree head',
        operationId: 'getAuditCheckpoint',
        response: { 200: Type.Ref('AuditCheckpoint'), ...errors },
      },
    },
    async () =>
      (await latestCheckpoint(app.database.db, origin)) ??
      currentCheckpoint(app.database, identity.keys, origin),
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
      proveInclusion(
        app.database.db,
        principalOf(request),
        request.query.leaf_index,
        request.query.tree_size,
      ),
  )

  app.get(
    '/v1/audit/proofs/consistency',
    {
      config: { access: reads },
      schema: {
        tags: ['audit'],
        summary: 'Consistency proof between two tree sizes (RFC 9162 §2.1.4)',
        operationId: 'getAuditConsistencyProof',
        querystring: Type.Object({ first: Index, second: Index }),
        response: { 200: Type.Ref('ConsistencyProof'), ...errors },
      },
    },
    async (request) => proveConsistency(app.database.db, request.query.first, request.query.second),
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
