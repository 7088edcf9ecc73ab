/**
 * How the sandbox's simulated consumer answers a confirmation request about a generated
 * dispute: 满意, 基本满意, 不满意 (and rejects the settlement), or never (the link expires).
 */
export const consumerScenarios = ['satisfied', 'basically_satisfied', 'dissatisfied', 'no_answer'] as const
export type ConsumerScenario = (typeof consumerScenarios)[number]
