import { type TEnum, type TSchema, Type } from 'typebox'

/** RFC 3339 UTC with milliseconds, e.g. `2026-11-28T08:00:00.000Z`. */
export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-11-28T08:00:00.000Z'] })

/**
 * A validated RFC 3339 time as the API stores and returns times: UTC with milliseconds.
 * Times compare as text in the database, so every stored or compared time goes through here.
 */
export function utc(time: string): string {
  return new Date(time).toISOString()
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** `{ object: "list", data, has_more, next_cursor }` around a shared item schema. */
export function ListOf(itemId: string, id: string) {
  return Type.Object(
    {
      object: Type.Literal('list'),
      data: Type.Array(Type.Ref(itemId)),
      has_more: Type.Boolean(),
      next_cursor: Nullable(Type.String()),
    },
    { $id: id },
  )
}

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

/** One of a list of strings: `{ type: "string", enum: [...] }`, typed as the union of its values. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: Record<string, unknown> = {},
): TEnum<[...T]> {
  return Type.Enum([...values] as [...T], { type: 'string', ...options }) as TEnum<[...T]>
}
