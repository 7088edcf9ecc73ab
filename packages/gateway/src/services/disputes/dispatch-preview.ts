import type { Kysely } from 'kysely'
import type { Static } from 'typebox'
import type { Principal } from '../../domain/principal.js'
import type { IntakeBody } from '../../schemas/disputes.js'
import type { Schema } from '../../storage/schema.js'
import { findInSubtree } from '../jurisdictions/tree.js'
import { assertRespondentOrEnterprise, routeComplaint } from './intake.js'

/**
 * What intake would do with this body, and why, changing nothing: the same routing intake
 * runs (`routeComplaint`), against the data as it is now.
 */
export async function previewDispatch(
  db: Kysely<Schema>,
  principal: Principal,
  input: Static<typeof IntakeBody>,
) {
  assertRespondentOrEnterprise(input)
  const jurisdiction = await findInSubtree(
    db,
    principal,
    input.jurisdiction_id ?? principal.jurisdictionId ?? '',
  )
  const routed = await routeComplaint({ db }, jurisdiction.id, input)
  return { object: 'dispatch_preview' as const, assignee: routed.assignee, routing: routed.routing }
}
