import type { PhoneKeyer } from '../../domain/phone-key.js'
import type { Database } from '../../storage/database.js'
import { type DetectedSignal, detectSignals } from './detect.js'
import { keyUnkeyedPhones } from './phone-keys.js'
import { type Found, recordSignals, type SeenAgain } from './record.js'
import type { RiskThresholds } from './thresholds.js'
import { type RiskWindow, weekOf } from './windows.js'

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
 * overdue after it ends) and stores each window's in one transaction. A signal found with
 * the numbers it already has keeps its list of disputes: the job runs every few minutes and
 * most of what it finds has not moved, so only what is new or changed is listed again.
 * Safe in several processes at once: each signal is raised by exactly one of them
 * (record.ts).
 */
export async function computeRiskSignals(
  database: Database,
  thresholds: RiskThresholds,
  keyer: PhoneKeyer,
  now = database.clock.now(),
): Promise<RiskSignalRun> {
  const run: RiskSignalRun = { keyed: await keyUnkeyedPhones(database, keyer), seen: 0, raised: 0 }
  for (const window of [weekOf(now, -1), weekOf(now)]) {
    const detected = await detectSignals(database.db, window, thresholds, now)
    const stored = await storedSignals(database, window)
    const found: Found[] = []
    const seenAgain: SeenAgain[] = []
    for (const signal of detected) {
      const before = stored.get(identityOf(signal.kind, signal.jurisdictionId, signal.subjectKey))
      if (before !== undefined && sameNumbers(before, signal)) seenAgain.push(before)
      else found.push({ signal, disputes: await listedDisputes(database, signal) })
    }
    run.seen += detected.length
    run.raised += await recordSignals(database, window, found, seenAgain, `risk-signals-${now.getTime()}`)
  }
  return run
}

interface StoredSignal {
  id: string
  value: number
  baseline: number | null
  threshold: number
  explanation: string
}

const identityOf = (kind: string, jurisdictionId: string, subjectKey: string) =>
  JSON.stringify([kind, jurisdictionId, subjectKey])

/** The signals stored for a window, by identity: one query, whatever their number. */
async function storedSignals(database: Database, window: RiskWindow): Promise<Map<string, StoredSignal>> {
  const rows = await database.db
    .selectFrom('risk_signals')
    .select(['id', 'kind', 'jurisdiction_id', 'subject_key', 'value', 'baseline', 'threshold', 'explanation'])
    .where('window_start', '=', window.start)
    .execute()
  return new Map(rows.map((row) => [identityOf(row.kind, row.jurisdiction_id, row.subject_key), row]))
}

/** Numbers compared as numbers: a driver may hand back a float column as text. */
function sameNumbers(stored: StoredSignal, signal: DetectedSignal): boolean {
  const same = (a: number | null, b: number | null) =>
    a === null ? b === null : b !== null && Number(a) === b
  return (
    same(stored.value, signal.value) &&
    same(stored.baseline, signal.baseline) &&
    same(stored.threshold, signal.threshold) &&
    stored.explanation === signal.explanation
  )
}

/** The first disputes a signal is about, oldest first. */
async function listedDisputes(database: Database, signal: DetectedSignal): Promise<string[]> {
  const rows = await database.db
    .selectFrom('disputes')
    .select('id')
    .where('jurisdiction_id', '=', signal.jurisdictionId)
    .where(signal.disputes)
    .orderBy('assigned_at')
    .orderBy('id')
    .limit(LISTED_DISPUTES)
    .execute()
  return rows.map((row) => row.id)
}
