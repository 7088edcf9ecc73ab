import { Type } from 'typebox'

/** Query parameters every list accepts. */
export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page (1–100).' }),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'Opaque cursor from `next_cursor`.' })),
}
