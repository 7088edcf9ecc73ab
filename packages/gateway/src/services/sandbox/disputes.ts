import type { PhoneKeyer } from '../../domain/phone-key.js'
import type { Principal } from '../../domain/principal.js'
import type { ConsumerScenario } from '../../domain/sandbox-scenarios.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { DeadlinePolicy } from '../disputes/deadline-policy.js'
import { intake } from '../disputes/intake.js'
import type { DisputeView } from '../disputes/presenter.js'
import { type GeneratedRespondent, generatedComplaint, smallBusiness } from './complaints.js'

export interface SandboxDisputesRequest {
  enterprise_id?: string | undefined
  count: number
  scenario?: ConsumerScenario | undefined
}

export interface SandboxDisputeList {
  object: 'list'
  sandbox: true
  data: DisputeView[]
}

/** Share of generated complaints, without `enterprise_id`, against a business no ODR enterprise answers for. */
const SMALL_BUSINESS_SHARE = 0.25

/**
 * Generated complaints taken in through the real intake, each in its own write, as the
 * caller: with `enterprise_id`, routed to that enterprise; without, named by the respondent
 * as the intake centre records it, so that the dispatcher places them (an ODR enterprise by
 * its credit code, or a small business by the rules, to a unit). Every dispute made carries
 * `sandbox: true` and the scenario its simulated consumer will follow.
 */
export async function generateDisputes(
  database: Database,
  deadlines: DeadlinePolicy,
  context: { actor: Principal; requestId: string },
  request: SandboxDisputesRequest,
  phoneKeyer: PhoneKeyer,
): Promise<SandboxDisputeList> {
  const enterprises = await database.db
    .selectFrom('enterprises')
    .select(['id', 'name', 'uscc'])
    .where('odr_status', '=', 'active')
    .orderBy('id')
    .execute()
  if (request.enterprise_id !== undefined && !enterprises.some((e) => e.id === request.enterprise_id))
    throw problem('enterprise_not_active', {
      en: `No active ODR enterprise ${request.enterprise_id}.`,
      zh: `没有处于在线纠纷解决（ODR）状态的企业 ${request.enterprise_id}。`,
    })
  // Only where a unit can take them: without one, the dispatcher would find no one.
  const units = await database.db
    .selectFrom('handling_units')
    .select('id')
    .where('status', '=', 'active')
    .limit(1)
    .execute()
  const now = database.clock.now()
  const stamp = now.toISOString().slice(0, 10).replaceAll('-', '')
  const data: DisputeView[] = []
  for (let n = 0; n < request.count; n += 1) {
    const respondent: GeneratedRespondent =
      request.enterprise_id !== undefined
        ? { enterprise: enterprises.find((e) => e.id === request.enterprise_id)! }
        : enterprises.length === 0 || (units.length > 0 && Math.random() < SMALL_BUSINESS_SHARE)
          ? { business: smallBusiness() }
          : { enterprise: enterprises[Math.floor(Math.random() * enterprises.length)]! }
    const ticket = `SBX-${stamp}-${context.requestId.slice(-8)}-${n + 1}`
    const body = generatedComplaint(now, respondent, ticket)
    if (request.enterprise_id !== undefined) body.enterprise_id = request.enterprise_id
    const outcome = await intake(
      database,
      deadlines,
      { actor: context.actor, requestId: `${context.requestId}-${n + 1}` },
      body,
      phoneKeyer,
      request.scenario ?? 'satisfied',
    )
    data.push(outcome.body)
  }
  return { object: 'list', sandbox: true, data }
}
