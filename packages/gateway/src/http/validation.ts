import { Ajv, type Options, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyServerOptions } from 'fastify'
import { findUnstorable } from '../domain/storable-text.js'

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

interface Validators {
  body: Ajv
  text: Ajv
  compiled: Map<string, ValidateFunction>
}

/**
 * The validators built so far in this process, by the shared schemas they were built with.
 * Fastify asks for a new compiler in every plugin context of every app, and a new Ajv
 * compiles the JSON Schema meta-schema and every shared schema again: seconds per app, paid
 * by each gateway a process starts (tests start hundreds). Schemas are compared by content,
 * because Fastify hands each context its own copies; equal schemas compile to equal code.
 */
const validatorsBySharedSchemas = new Map<string, Validators>()

/**
 * Installed through the server's `schemaController` rather than `setValidatorCompiler`:
 * Fastify rebuilds the validator of every plugin context that adds shared schemas from this
 * factory, so no route anywhere falls back to the default (coercing, property-stripping) Ajv.
 */
export const validatorFactory: NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
> = (externalSchemas) => {
  const shared = Object.values(externalSchemas ?? {}) as object[]
  const sharedKey = JSON.stringify(shared)
  let validators = validatorsBySharedSchemas.get(sharedKey)
  if (validators === undefined) {
    validators = {
      body: ajvWith({ coerceTypes: false }, shared),
      text: ajvWith({ coerceTypes: 'array' }, shared),
      compiled: new Map(),
    }
    validatorsBySharedSchemas.set(sharedKey, validators)
  }
  const { body, text, compiled } = validators
  return ({ schema, httpPart }) => {
    const key = `${httpPart} ${JSON.stringify(schema)}`
    let validate = compiled.get(key)
    if (validate === undefined) {
      validate = storableOnly((httpPart === 'body' ? body : text).compile(schema as object), httpPart, schema)
      compiled.set(key, validate)
    }
    return validate
  }
}

/**
 * After the schema, one rule for every part of every request: what both databases and
 * canonical JSON cannot keep unchanged (NUL, lone surrogates, …) is refused as a validation
 * error, on SQLite as on PostgreSQL. Headers are checked where the route reads them (those
 * its schema names); the other parts whole, object keys included.
 */
function storableOnly(
  validate: ValidateFunction,
  httpPart: string | undefined,
  schema: unknown,
): ValidateFunction {
  const declared = Object.keys((schema as { properties?: object }).properties ?? {})
  const check = (data: unknown): boolean => {
    if (!validate(data)) {
      check.errors = validate.errors
      return false
    }
    const checked =
      httpPart === 'headers' && data !== null && typeof data === 'object'
        ? Object.fromEntries(declared.map((name) => [name, (data as Record<string, unknown>)[name]]))
        : data
    const found = findUnstorable(checked)
    if (!found) {
      check.errors = null
      return true
    }
    check.errors = [
      {
        keyword: 'storable',
        instancePath: found.pointer,
        schemaPath: '#',
        params: {},
        message: found.reason,
      },
    ]
    return false
  }
  check.errors = null as ValidateFunction['errors']
  return Object.assign(check, { schema: validate.schema, schemaEnv: validate.schemaEnv }) as ValidateFunction
}
