import type { PhoneKeyer } from '../../domain/phone-key.js'
import type { Database } from '../../storage/database.js'
import { detectSignals } from './detect.js'
import { keyUnkeyedPhones } from './phone-keys.js'
import { recordSignal } from './record.js'
import type { RiskThresholds } from './thresholds.js'
import { weekOf } from './windows.js'

/** How many signals a disputes list names. */
const LISTED_DISPUTES = 20

export interface RiskSignalRun {
  /** Phones keyed that had no key yet. */
  keyed: number
  /** Signals that held, new or not. */
  seen: number
  /** Signals raised for the first time. */
  raised: number
}

/**
 * One run of the `risk-signals` job: keys the phones not keyed yet, then finds the signals
 * of the current week and of the week before (whose disputes still conclude and fall
 * overdue after it ends) and stores each. Safe in several processes at once: each signal is
 * raised by exactly one of them (record.ts).
 */
export async function computeRiskSignals(
  database: Database,
  thresholds: RiskThresholds,
  keyer: PhoneKeyer,
  now = database.clock.now(),
): Promise<RiskSignalRun> {
  const run: RiskSignalRun = { keyed: await keyUnkeyedPhones(database, keyer), seen: 0, raised: 0 }
  for (const window of [weekOf(now, -1), weekOf(now)]) {
    for (const signal of await detectSignals(database.db, window, thresholds, now)) {
      const listed = await database.db
        .selectFrom('disputes')
        .select('id')
        .where('jurisdiction_id', '=', signal.jurisdictionId)
        .where(signal.disputes)
        .orderBy('assigned_at')
        .orderBy('id')
        .limit(LISTED_DISPUTES)
        .execute()
      const ids = listed.map((row) => row.id)
      run.seen += 1
      if (await recordSignal(database, signal, window, ids, `risk-signals-${now.getTime()}`)) run.raised += 1
    }
  }
  return run
}
