/**
 * Which driver errors mean that the database, not the request, is at fault, written once for
 * both drivers. The HTTP layer answers these with 503 and `retry-after` instead of a 500:
 *
 * - `unavailable`: the database cannot be reached or will not serve now. PostgreSQL refused
 *   or dropped the connection (a network error, SQLSTATE class 08, the server shutting down
 *   or terminating the session, 57P01–57P03, or refusing new connections to the database,
 *   55000 at connect), ran out of a resource (class 53, but for disk space), or the pool
 *   found no connection in time; SQLite cannot open or read its file (SQLITE_CANTOPEN,
 *   SQLITE_IOERR…) or another process held its lock past the busy timeout (SQLITE_BUSY).
 * - `full`: nothing more can be written. SQLite's disk or `max_page_count` is used up
 *   (SQLITE_FULL); PostgreSQL's disk is (53100).
 *
 * Everything else (a constraint, a bug, a corrupt file) is not classified: it stays a 500.
 * A failure is looked for along the `cause` chain too, as wrappers keep the driver's error there.
 */
export type StorageFailure = 'unavailable' | 'full'

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
])

// node-postgres and its pool report a lost or missing connection with these messages and no code.
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /is not queryable$/,
  /^Client was closed/,
  /^Cannot use a pool after calling end on the pool$/,
]

const SQLITE_UNAVAILABLE = /^SQLITE_(CANTOPEN|IOERR|BUSY)(_|$)/

/** The class of database failure an error reports, or undefined when it is not one. */
export function storageFailure(error: unknown): StorageFailure | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    const found = ownFailure(current)
    if (found) return found
    current = current.cause
  }
  return undefined
}

/**
 * An error that happened while obtaining a connection: whatever the server answered, the
 * database is not available to this request (PostgreSQL refuses connections to a database
 * with `ALLOW_CONNECTIONS false` with 55000, a code that means something else mid-query).
 */
export class ConnectionUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`No connection to the database: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    })
    this.name = 'ConnectionUnavailableError'
  }
}

function ownFailure(error: Error): StorageFailure | undefined {
  if (error instanceof ConnectionUnavailableError) return 'unavailable'
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (code === 'SQLITE_FULL' || code === '53100') return 'full'
    if (SQLITE_UNAVAILABLE.test(code)) return 'unavailable'
    if (NETWORK_CODES.has(code)) return 'unavailable'
    // SQLSTATE: connection exceptions, operator intervention, insufficient resources.
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || /^53[0-9A-Z]{3}$/.test(code)) {
      return 'unavailable'
    }
  }
  if (PG_CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message))) return 'unavailable'
  return undefined
}
