import { problem } from '../errors.js'

/**
 * A page of a list, as every list of the API answers, and the cursors that walk one. Not
 * tied to HTTP: the services build pages from their queries, the routes only send them.
 */
export interface Page<T> {
  object: 'list'
  data: T[]
  has_more: boolean
  next_cursor: string | null
}

/**
 * Cursors are keyset positions (the sort key of the last item shown), so a walk never
 * skips or repeats an item while new ones are created. They are opaque to callers:
 * base64url JSON, validated on the way back in.
 */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const position: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      Array.isArray(position) &&
      position.length === arity &&
      position.every((part) => typeof part === 'string' || typeof part === 'number')
    ) {
      return position
    }
  } catch {
    // fall through to the problem below
  }
  throw problem('invalid_cursor', 'The cursor was not issued by this list; start again without it.')
}

/**
 * Builds a page from `limit + 1` rows fetched in order: the extra row only says that
 * there is more.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  present: (row: Row) => Item,
  positionOf: (row: Row) => readonly (string | number)[],
): Page<Item> {
  const hasMore = rows.length > limit
  const shown = hasMore ? rows.slice(0, limit) : rows
  const last = shown.at(-1)
  return {
    object: 'list',
    data: shown.map(present),
    has_more: hasMore,
    next_cursor: hasMore && last !== undefined ? encodeCursor(positionOf(last)) : null,
  }
}
