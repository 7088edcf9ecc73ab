import type { Kysely } from 'kysely'
import { hashLinkToken, isLinkTokenShape } from '../../domain/confirmation/secrets.js'
import type { Actor } from '../../domain/principal.js'
import type { ConfirmationRequestTable, Schema } from '../../storage/schema.js'

/** What a link is now, as its page must say it. */
export type LinkState =
  | { state: 'unknown' }
  | { state: 'expired' | 'voided' | 'used'; request: ConfirmationRequestTable }
  | { state: 'open'; request: ConfirmationRequestTable }

/**
 * Finds the request of a link by the hash of its token. A token that could not be ours is
 * not looked up. A link is used once its settlement has an answer, whichever link gave it.
 */
export async function linkState(db: Kysely<Schema>, token: string, now: Date): Promise<LinkState> {
  if (!isLinkTokenShape(token)) return { state: 'unknown' }
  const request = await db
    .selectFrom('confirmation_requests')
    .selectAll()
    .where('token_hash', '=', hashLinkToken(token))
    .executeTakeFirst()
  return request ? stateOf(request, now) : { state: 'unknown' }
}

export function stateOf(request: ConfirmationRequestTable, now: Date): LinkState {
  if (request.status === 'answered') return { state: 'used', request }
  if (request.status === 'voided') return { state: 'voided', request }
  if (Date.parse(request.expires_at) <= now.getTime()) return { state: 'expired', request }
  return { state: 'open', request }
}

/** The consumer, as the audit log names whoever holds a link: by the request, never by name. */
export function consumerActor(request: Pick<ConfirmationRequestTable, 'id'>): Actor {
  return { role: 'consumer', clientId: request.id, enterpriseId: null }
}
