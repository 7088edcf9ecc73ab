import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyServerOptions } from 'fastify'

/**
 * Request validation with two Ajv instances. Bodies are validated strictly: no coercion
 * and no silent removal of unknown properties, so `{"amount": "2700"}` or a misspelt field
 * is a 400 rather than a guess. Query strings, parameters and headers arrive as text and
 * are coerced to the schema's types (`?limit=20` → 20, a repeated `status` → an array).
 */
function ajvWith(options: Options, sharedSchemas: object[]): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    ...options,
  })
  addFormats.default(ajv)
  for (const schema of sharedSchemas) ajv.addSchema(schema)
  return ajv
}

/**
 * Installed through the server's `schemaController` rather than `setValidatorCompiler`:
 * Fastify rebuilds the validator of every plugin context that adds shared schemas from this
 * factory, so no route anywhere falls back to the default (coercing, property-stripping) Ajv.
 */
export const validatorFactory: NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>['buildValidator'] = (externalSchemas) => {
  const shared = Object.values(externalSchemas ?? {}) as object[]
  const body = ajvWith({ coerceTypes: false }, shared)
  const text = ajvWith({ coerceTypes: 'array' }, shared)
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object)
}
