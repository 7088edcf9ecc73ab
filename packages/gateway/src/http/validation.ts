import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyInstance, FastifySchema } from 'fastify'

/**
 * Request validation with two Ajv instances. Bodies are validated strictly: no coercion
 * and no silent removal of unknown properties, so `{"amount": "2700"}` or a misspelt field
 * is a 400 rather than a guess. Query strings, parameters and headers arrive as text and
 * are coerced to the schema's types (`?limit=20` → 20, a repeated `status` → an array).
 */
function ajvWith(options: Options): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    ...options,
  })
  addFormats.default(ajv)
  return ajv
}

export function registerValidation(app: FastifyInstance): void {
  const body = ajvWith({ coerceTypes: false })
  const text = ajvWith({ coerceTypes: 'array' })
  let sharedAdded = false
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (!sharedAdded) {
      // Shared schemas (`app.addSchema`) are complete by the time routes compile.
      for (const shared of Object.values(app.getSchemas())) {
        body.addSchema(shared as object)
        text.addSchema(shared as object)
      }
      sharedAdded = true
    }
    return (httpPart === 'body' ? body : text).compile(schema as FastifySchema & object)
  })
}
