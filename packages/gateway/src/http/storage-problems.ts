import { type Localized, type ProblemError, problem } from '../errors.js'
import { storageFailure } from '../storage/failures.js'

/**
 * How long a client is asked to wait when the database is out of reach: long enough not to
 * pile retries onto a database coming back, short enough that a restart of it costs little.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5
/** Space is freed by an operator, not by waiting a moment: ask for a longer pause. */
export const STORAGE_FULL_RETRY_AFTER_SECONDS = 60

/** 503 `database_unavailable`, with `retry-after`. */
export function databaseUnavailable(
  detail: Localized = {
    en: 'The database is not reachable; retry later.',
    zh: '无法连接数据库；请稍后重试。',
  },
): ProblemError {
  return problem(
    'database_unavailable',
    { en: detail.en, zh: detail.zh },
    {
      headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
    },
  )
}

/**
 * The problem for an error the database caused (see `storage/failures.ts`): 503
 * `database_unavailable` or `storage_full`, both with `retry-after`; undefined for any other
 * error. The write that met it was rolled back whole, so retrying it is safe.
 */
export function storageProblem(error: unknown): ProblemError | undefined {
  switch (storageFailure(error)) {
    case 'unavailable':
      return databaseUnavailable()
    case 'full':
      return problem(
        'storage_full',
        {
          en: 'The database has no space left for writes; nothing was written.',
          zh: '数据库已无写入空间；本次请求未写入任何数据。',
        },
        {
          headers: { 'retry-after': String(STORAGE_FULL_RETRY_AFTER_SECONDS) },
        },
      )
    default:
      return undefined
  }
}
