import type { Config } from '../../config.js'

/** When each kind of signal is raised; docs/risk-signals.md explains each. */
export interface RiskThresholds {
  risingPreviousWindows: number
  risingPercent: number
  risingMinCount: number
  repeatedProblemMin: number
  lowSettlementPercent: number
  lowSettlementMinConcluded: number
  overdueClusterMin: number
  repeatComplainantMin: number
}

export function riskThresholdsFrom(config: Config): RiskThresholds {
  return {
    risingPreviousWindows: config.riskRisingPreviousWindows,
    risingPercent: config.riskRisingPercent,
    risingMinCount: config.riskRisingMinCount,
    repeatedProblemMin: config.riskRepeatedProblemMin,
    lowSettlementPercent: config.riskLowSettlementPercent,
    lowSettlementMinConcluded: config.riskLowSettlementMinConcluded,
    overdueClusterMin: config.riskOverdueClusterMin,
    repeatComplainantMin: config.riskRepeatComplainantMin,
  }
}
