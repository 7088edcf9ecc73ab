import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ProblemSchema } from './problem-schema.js'

export const API_VERSION = '1.0.0'

/** The document as committed: stable key order from the routes, two-space indent, final newline. */
export function openApiText(app: FastifyInstance): string {
  return `${JSON.stringify(app.swagger(), null, 2)}\n`
}

/**
 * Publishes the contract: the OpenAPI 3.1 document is generated from the route schemas,
 * served at `/openapi.json`, browsable at `/docs`, and committed as
 * `openapi/hejie.openapi.json` (a test fails when the two differ).
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Hejie settlement API',
          version: API_VERSION,
          description:
            'The integration layer of online consumer-dispute resolution: the regulator routes a consumer ' +
            'complaint to the enterprise concerned, which settles it directly and reports the outcome.',
          license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        },
        // Relative (OpenAPI 3.1 §4.8.5: resolved against where the document was fetched), so the
        // spec and the Swagger UI at /docs call the gateway that served them, whatever its
        // address or port, behind a proxy included.
        servers: [{ url: '/', description: 'The gateway that serves this document' }],
        tags: [
          { name: 'identity', description: 'OAuth 2.0 tokens, the JWKS, and who the caller is.' },
          {
            name: 'jurisdictions',
            description: 'The tree of regulators a deployment serves: city, districts, stations.',
          },
          { name: 'enterprises', description: 'ODR enterprises, registered by the regulator.' },
          { name: 'clients', description: 'API clients of enterprises and regulators.' },
          {
            name: 'disputes',
            description: 'Consumer disputes: intake, routing, settlement, refunds, outcomes.',
          },
          {
            name: 'dispatch',
            description:
              'Handling units, routing rules and the dispatcher (接诉即办): who handles a complaint, and why.',
          },
          {
            name: 'events',
            description: 'The event feed: every change a caller may see, in commit order.',
          },
          {
            name: 'webhooks',
            description: 'Webhook endpoints and their deliveries: signed, retried, logged.',
          },
          {
            name: 'audit',
            description: 'The tamper-evident audit log: signed checkpoints, entries, proofs, export.',
          },
          {
            name: 'stats',
            description: 'Indicators for regulators: settlement, on-time and response rates.',
          },
          {
            name: 'supervision',
            description:
              'Supervision (督办、靶向): the risk signals a background job computes for regulators.',
          },
          {
            name: 'files',
            description: 'Evidence files: uploaded once, cited by records, hashed into the audit log.',
          },
          {
            name: 'confirmation page',
            description:
              'The consumer’s own page (`/c/{token}`, HTML, no script): the code, then the masked settlement, the decision and the rating. Not for integrators to call; documented so its answers are part of the contract (docs/confirmation.md).',
          },
          {
            name: 'console',
            description:
              'The web console’s sign-in (`/console`): a session cookie for the console’s own endpoints, exchanged for access tokens the page sends to `/v1` as Bearer (docs/console.md).',
          },
          { name: 'operations', description: 'Health, readiness and metrics for operators.' },
        ],
        security: [{ bearerAuth: [] }],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description: 'An access token from `POST /v1/oauth/token`.',
            },
          },
        },
      },
      // A route that reads a multipart stream itself has no body schema for Fastify to check;
      // the form it reads is documented from its `multipartForm`.
      transform: ({ schema, url, route }) => {
        const form = (route.config as { multipartForm?: unknown } | undefined)?.multipartForm
        return form
          ? { schema: { ...schema, consumes: ['multipart/form-data'], body: form }, url }
          : { schema, url }
      },
      transformObject: (document) =>
        'openapiObject' in document ? markDefaultsOptional(document.openapiObject) : document.swaggerObject,
      refResolver: {
        // Keep each shared schema's `$id` as its component name, so the spec (and the SDK types
        // generated from it) name `Dispute`, `Problem`, … rather than `def-0`, `def-1`.
        buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`),
      },
    })
    app.addSchema(ProblemSchema)
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'hejie-openapi', fastify: '5.x' },
)

interface OperationObject {
  parameters?: { in: string; required?: boolean; schema?: { default?: unknown } }[]
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { required?: unknown[] } }> }
}

/**
 * What a caller may leave out is optional in the contract. Fastify's route schemas list a
 * parameter that has a default (`limit`) as required, because the server always sees it
 * after defaults are applied; and a body whose fields are all optional as a required body,
 * though an action without fields may be sent without one. Left as they are, the generated
 * SDK types would make every caller pass them.
 */
export function markDefaultsOptional<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, OperationObject>> }).paths ?? {}
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'path' && parameter.schema?.default !== undefined) parameter.required = false
      }
      const body = operation.requestBody
      const schemas = Object.values(body?.content ?? {}).map((media) => media.schema)
      if (body && schemas.length > 0 && schemas.every((schema) => !schema?.required?.length)) {
        body.required = false
      }
    }
  }
  return document
}
