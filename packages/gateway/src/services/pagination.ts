import { unstorableTextReason } from '../domain/storable-text.js'
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

/** What each part of a list's position is: an id (text) or an index (a non-negative integer). */
export type CursorPart = 'id' | 'index'
type PartValue<P extends CursorPart> = P extends 'id' ? string : number
type Position<S extends readonly CursorPart[]> = { [K in keyof S]: PartValue<S[K]> }

/**
 * Reads a cursor back into the position of a list of the given shape. Anything we would not
 * have issued (not base64url JSON, the wrong number or types of parts, an id no database can
 * hold, an index that is not a safe integer) is a 400 `invalid_cursor`: the position goes
 * straight into a query, where a string for a number or a NUL would fail in the database.
 */
export function decodeCursor<const S extends readonly CursorPart[]>(cursor: string, shape: S): Position<S> {
  let position: unknown
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    position = undefined
  }
  if (
    Array.isArray(position) &&
    position.length === shape.length &&
    position.every((part, i) => fitsPart(part, shape[i] as CursorPart))
  ) {
    return position as Position<S>
  }
  throw problem('invalid_cursor', {
    en: 'The cursor was not issued by this list; start again without it.',
    zh: '该游标不是由此列表签发的；请去掉 cursor 重新开始。',
  })
}

function fitsPart(part: unknown, kind: CursorPart): boolean {
  if (kind === 'index') return Number.isSafeInteger(part) && (part as number) >= 0
  return typeof part === 'string' && part.length <= 64 && unstorableTextReason(part) === undefined
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
