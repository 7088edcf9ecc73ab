import type { ConsumerScenario } from '../../domain/sandbox-scenarios.js'
import type { Database } from '../../storage/database.js'
import { type Decision, decideRequest } from '../confirmations/decide.js'

const answers: Record<ConsumerScenario, Decision | null> = {
  satisfied: { decision: 'confirmed', rating: 'satisfied' },
  basically_satisfied: {
    decision: 'confirmed',
    rating: 'basically_satisfied',
    comment: '退款已收到，处理得还算及时。',
  },
  dissatisfied: {
    decision: 'rejected',
    rating: 'dissatisfied',
    comment: '和解金额与电话里说的不一致，我不认可。',
  },
  no_answer: null,
}

export function answerOf(scenario: string): Decision | null {
  return answers[scenario as ConsumerScenario] ?? null
}

/**
 * Answers the open confirmation requests of generated disputes as their scenario says,
 * through the same write the consumer's page uses; returns how many it answered. Runs in the
 * sandbox's `simulated-consumer` job.
 */
export async function answerAsSimulatedConsumer(database: Database): Promise<number> {
  const open = await database.db
    .selectFrom('confirmation_requests')
    .innerJoin('disputes', 'disputes.id', 'confirmation_requests.dispute_id')
    .select(['confirmation_requests.id', 'disputes.sandbox_scenario'])
    .where('confirmation_requests.status', '=', 'pending')
    .where('confirmation_requests.expires_at', '>', database.clock.now().toISOString())
    .where('disputes.sandbox_scenario', 'is not', null)
    .where('disputes.sandbox_scenario', '!=', 'no_answer')
    .limit(100)
    .execute()
  let answered = 0
  for (const request of open) {
    const answer = answerOf(request.sandbox_scenario ?? '')
    if (!answer) continue
    const outcome = await decideRequest(database, request, answer, `sandbox-consumer-${request.id}`)
    if ('outcome' in outcome) answered += 1
  }
  return answered
}
