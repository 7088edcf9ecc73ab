import { Type } from 'typebox'
import { problemTypes } from '../errors.js'
import { StringEnum } from '../schemas/common.js'

/** The RFC 9457 body of every error, as a shared schema (`#/components/schemas/Problem`). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: '`urn:hejie:problem:<code>`' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: StringEnum(Object.keys(problemTypes) as (keyof typeof problemTypes)[], {
      description: 'Stable identifier; see docs/errors.md.',
    }),
    request_id: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true },
)

/** A documented problem response for a route's `response` map. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Type.Ref('Problem') } } }
}
