import type { FastifyInstance } from 'fastify'

/**
 * Unknown query parameters are refused (400 `validation_failed`), as unknown body properties
 * are: a misspelt filter (`?stauts=open`) would otherwise be ignored and answer the whole
 * list. Every route registered from now on gets a closed query schema: its own with
 * `additionalProperties: false`, or an empty one when it declares none. The Swagger UI pages
 * under `/docs` are static files and keep theirs.
 */
export function refuseUnknownQueryParameters(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) return
    route.schema = route.schema ?? {}
    const schema = route.schema
    const query = schema.querystring as Record<string, unknown> | undefined
    schema.querystring =
      query === undefined
        ? { type: 'object', properties: {}, additionalProperties: false }
        : { ...query, additionalProperties: query.additionalProperties ?? false }
  })
}
