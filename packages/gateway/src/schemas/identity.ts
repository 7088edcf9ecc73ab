import { Type } from 'typebox'
import { allScopes } from '../domain/principal.js'
import { ListOf, Nullable, StringEnum, Timestamp } from './common.js'

const OdrStatus = StringEnum(['active', 'suspended', 'exited'] as const, {
  description: '`suspended` and `exited` (动态退出) enterprises receive no new disputes.',
})

const Contact = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    phone: Type.String({ minLength: 5, maxLength: 30 }),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  },
  { additionalProperties: false },
)

export const Enterprise = Type.Object(
  {
    id: Type.String({ examples: ['ent_01jdq2v8a3k9f0m7c5x4z6w2ht'] }),
    object: Type.Literal('enterprise'),
    name: Type.String(),
    uscc: Type.String({ description: 'Unified social credit code (统一社会信用代码).' }),
    address: Nullable(Type.String()),
    contact: Type.Object({ name: Type.String(), phone: Type.String(), email: Nullable(Type.String()) }),
    odr_status: OdrStatus,
    aliases: Type.Array(Type.String(), {
      description: 'Other names it is known by: the dispatcher matches a respondent by name or alias.',
    }),
    jurisdiction_id: Type.String({
      description: 'Where it is registered: regulators of this subtree manage it; every regulator reads it.',
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Enterprise' },
)

export const EnterpriseList = ListOf('Enterprise', 'EnterpriseList')

export const EnterpriseCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    uscc: Type.String({
      minLength: 18,
      maxLength: 18,
      description: '18 characters with a valid GB 32100-2015 check character.',
    }),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    contact: Contact,
    aliases: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 50,
        uniqueItems: true,
        description: 'Other names it is known by (brand, former name, shop name), matched by the dispatcher.',
      }),
    ),
    jurisdiction_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          "Where it is registered: the caller's jurisdiction when absent, always within its subtree.",
      }),
    ),
  },
  { additionalProperties: false },
)

export const EnterpriseUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    contact: Type.Optional(Contact),
    odr_status: Type.Optional(OdrStatus),
    aliases: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 50,
        uniqueItems: true,
        description: 'Replaces the list of other names.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
)

const ScopeName = StringEnum(allScopes, { description: 'A permission within the role.' })

export const ApiClient = Type.Object(
  {
    id: Type.String({ examples: ['cli_01jdq2w1b7r3n8p5t2v9y4e6qa'] }),
    object: Type.Literal('api_client'),
    client_id: Type.String({ description: 'The OAuth 2.0 client id (the same as `id`).' }),
    name: Type.String(),
    role: StringEnum(['regulator', 'enterprise', 'witness', 'unit'] as const),
    enterprise_id: Nullable(Type.String()),
    unit_id: Nullable(Type.String({ description: "A unit client's handling unit (`hnu_…`)." })),
    jurisdiction_id: Type.String({
      description:
        "Whose regulators manage it: a regulator client's own node (it sees that subtree), the node an enterprise client's enterprise is registered in, a unit client's unit's jurisdiction, the root for a witness.",
    }),
    scopes: Type.Array(ScopeName),
    witness_key: Nullable(
      Type.String({ description: "A witness's C2SP verifier key, which its cosignatures must verify with." }),
    ),
    created_at: Timestamp,
    revoked_at: Nullable(Timestamp),
  },
  { $id: 'ApiClient' },
)

export const ApiClientWithSecret = Type.Intersect(
  [
    Type.Ref('ApiClient'),
    Type.Object({
      client_secret: Nullable(
        Type.String({
          description:
            'Shown this once; only a salted hash is stored. An idempotent replay of the request answers null: create another client if the secret was lost.',
        }),
      ),
    }),
  ],
  { $id: 'ApiClientWithSecret' },
)

export const ApiClientList = ListOf('ApiClient', 'ApiClientList')

export const ApiClientCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Optional(
      Type.Array(ScopeName, {
        minItems: 1,
        uniqueItems: true,
        description: 'Narrows the client; all scopes of its role when absent.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const RegulatorClientCreate = Type.Object(
  {
    ...ApiClientCreate.properties,
    jurisdiction_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          "The node the client sees the subtree of: the caller's own when absent, always within its subtree.",
      }),
    ),
    unit_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'Creates a client of this handling unit (role `unit`) instead of a regulator client; the unit must lie in the caller’s subtree.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const Me = Type.Object(
  {
    object: Type.Literal('me'),
    role: StringEnum(['regulator', 'enterprise', 'witness', 'unit'] as const),
    client_id: Type.String(),
    unit_id: Type.Optional(Nullable(Type.String({ description: "A unit client's handling unit." }))),
    scopes: Type.Array(ScopeName),
    enterprise: Nullable(Type.Ref('Enterprise')),
    jurisdiction: Nullable(Type.Ref('Jurisdiction')),
  },
  { $id: 'Me', description: 'A regulator has its jurisdiction; an enterprise client its enterprise.' },
)

/** An access token, from `POST /v1/oauth/token` or, for the console, `POST /console/session/token`. */
export const TokenResponse = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Seconds until the token expires (at most 900).' }),
    scope: Type.String({ description: 'Space-separated scopes the token carries.' }),
  },
  { $id: 'TokenResponse' },
)

export const identitySchemas = [
  TokenResponse,
  Enterprise,
  EnterpriseList,
  ApiClient,
  ApiClientWithSecret,
  ApiClientList,
  Me,
]
