import fc from 'fast-check'

/** A JSON schema as the spec writes them (OpenAPI 3.1, JSON Schema 2020-12). */
export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  default?: unknown
}

/**
 * Strings of every kind a client can send: NUL and other controls, lone surrogates,
 * noncharacters, right-to-left and zero-width marks, combining marks, emoji, CJK, very long
 * values, and arbitrary code points.
 */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    '\udc00\ud800',
    '\ufffe',
    '\uffff',
    '\ud83f\udffe',
    '\ufdd0',
    '\u202eevil\u202c',
    '\u200f\u061c',
    '\u200b\u200c\u200d\u2060\ufeff',
    'e\u0301\u0301\u0301',
    '😀👩‍👩‍👧🇨🇳',
    '和解 調解 ㊗',
    '\u0001\u001f\u007f\u0085',
    ' \t\r\n ',
    '../../etc/passwd',
    "'; drop table disputes; --",
    '%00%ff%zz',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j lookup, sent as text on purpose
    '${jndi:ldap://x}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    'a'.repeat(256),
    'a'.repeat(70_000),
    '1e400',
    '-0',
    'NaN',
    'null',
    'true',
    '[]',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
)

/** Numbers at and past a schema's bounds, and numbers JSON or a database struggles with. */
function nastyNumber(schema: JsonSchema): fc.Arbitrary<number> {
  const bounds = [schema.minimum, schema.maximum].filter((b): b is number => b !== undefined)
  return fc.constantFrom(
    ...bounds.flatMap((b) => [b, b - 1, b + 1, b + 0.5]),
    0,
    -1,
    1.5,
    2 ** 31,
    2 ** 53 + 1,
    -(2 ** 63),
    1e300,
    -1e300,
    5e-324,
  )
}

export class SchemaArbitraries {
  constructor(private readonly components: Record<string, JsonSchema>) {}

  private resolve(schema: JsonSchema): JsonSchema {
    let current = schema
    for (let depth = 0; current.$ref && depth < 10; depth++) {
      const name = current.$ref.replace('#/components/schemas/', '')
      current = {
        ...this.components[name],
        ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== '$ref')),
      }
    }
    return current
  }

  /** A value the schema accepts (as far as a generator can tell: patterns and formats included). */
  valid(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    const s = this.resolve(schema)
    if (s.const !== undefined) return fc.constant(s.const)
    if (s.enum) return fc.constantFrom(...s.enum)
    const options = s.anyOf ?? s.oneOf
    if (options) return fc.oneof(...options.map((o) => this.valid(o, depth + 1)))
    if (s.allOf) return this.valid(Object.assign({}, ...s.allOf.map((o) => this.resolve(o))), depth + 1)
    const type = Array.isArray(s.type) ? s.type[0] : s.type
    switch (type) {
      case 'string':
        return this.validString(s)
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1_000_000 })
      case 'number':
        return fc.double({
          min: s.minimum ?? -1000,
          max: s.maximum ?? 1_000_000,
          noNaN: true,
          noDefaultInfinity: true,
        })
      case 'boolean':
        return fc.boolean()
      case 'null':
        return fc.constant(null)
      case 'array':
        return fc.array(s.items && depth < 6 ? this.valid(s.items, depth + 1) : fc.string(), {
          minLength: s.minItems ?? 0,
          maxLength: Math.min(s.maxItems ?? 3, 3),
        })
      default:
        return this.validObject(s, depth)
    }
  }

  private validString(s: JsonSchema): fc.Arbitrary<string> {
    if (s.format === 'date-time') {
      return fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString())
    }
    if (s.format === 'date') {
      return fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString().slice(0, 10))
    }
    if (s.format === 'uri')
      return fc.constantFrom('https://hooks.example.com/hejie', 'https://crm.example.org/h')
    if (s.pattern)
      return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 1000))
    return fc
      .string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 30), unit: 'grapheme' })
      .filter((v) => [...v].length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? 1e9))
  }

  private validObject(s: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
    if (depth > 6 || !s.properties) return fc.constant({})
    const record: Record<string, fc.Arbitrary<unknown>> = {}
    for (const [name, property] of Object.entries(s.properties))
      record[name] = this.valid(property, depth + 1)
    return fc.record(record, { requiredKeys: s.required ?? [] }) as fc.Arbitrary<Record<string, unknown>>
  }

  /**
   * A value the schema (probably) refuses, or one at its edges: a valid value with one part
   * replaced by a hostile string or a number past its bounds, a property added or removed,
   * or a value of another type altogether.
   */
  invalid(schema: JsonSchema): fc.Arbitrary<unknown> {
    return fc.oneof(
      this.valid(schema).chain((value) => this.mutate(schema, value)),
      fc.oneof(nastyString, fc.integer(), fc.constant(null), fc.constant([]), fc.boolean()),
    )
  }

  private mutate(schema: JsonSchema, value: unknown): fc.Arbitrary<unknown> {
    const s = this.resolve(schema)
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && s.properties) {
      const names = Object.keys(s.properties)
      const added = nastyString.map((extra) => ({ ...(value as object), [extra || 'extra']: 1 }))
      // An object that declares no property (an action without options) can only gain one.
      if (names.length === 0) return added
      return fc.oneof(
        fc.constantFrom(...names).chain((name) => {
          const property = s.properties?.[name] as JsonSchema
          return this.mutate(property, (value as Record<string, unknown>)[name] ?? null).map((v) => ({
            ...(value as object),
            [name]: v,
          }))
        }),
        added,
        fc.constantFrom(...names).map((name) => {
          const { [name]: _removed, ...rest } = value as Record<string, unknown>
          return rest
        }),
      )
    }
    if (Array.isArray(value)) {
      return fc.oneof(
        nastyString.map((v) => [...value, v]),
        fc.constant(Array.from({ length: 1001 }, () => value[0] ?? 'x')),
      )
    }
    const type = Array.isArray(s.type) ? s.type[0] : s.type
    if (type === 'integer' || type === 'number') return fc.oneof(nastyNumber(s), nastyString)
    return fc.oneof(nastyString, nastyNumber(s))
  }
}
