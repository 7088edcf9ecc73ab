import type { Kysely } from 'kysely'
import { OffsetClock } from '../../domain/clock.js'
import { shanghaiDate, type WorkingDayCalendar } from '../../domain/working-days.js'
import type { Database } from '../../storage/database.js'
import type { Schema } from '../../storage/schema.js'
import { rootJurisdiction } from '../jurisdictions/tree.js'
import { runWrite, type WriteContext, type WriteOutcome } from '../write/index.js'

const ROW_ID = 1

/** How far to move the clock: working days (Asia/Shanghai calendar) and hours, added together. */
export interface ClockAdvance {
  working_days?: number | undefined
  hours?: number | undefined
}

export interface SandboxClockView {
  object: 'sandbox_clock'
  sandbox: true
  /** The deployment's "now": what deadlines, scanners and timestamps read. */
  now: string
  /** Real time, for comparison. */
  real_now: string
  offset_ms: number
  /** Real time of the last move; null while the clock was never moved. */
  moved_at: string | null
}

/** The stored offset: 0 while the clock was never moved. */
export async function storedOffset(
  db: Kysely<Schema>,
): Promise<{ offsetMs: number; movedAt: string | null }> {
  const row = await db.selectFrom('sandbox_clock').selectAll().where('id', '=', ROW_ID).executeTakeFirst()
  return { offsetMs: row ? Number(row.offset_ms) : 0, movedAt: row?.moved_at ?? null }
}

/** Thrown by a start without `--sandbox` on a database whose clock a sandbox moved. */
export class MovedClockError extends Error {
  override name = 'MovedClockError'
}

/**
 * A deployment that is not a sandbox runs on real time. A database whose clock was moved
 * holds timestamps and deadlines from a future that real time has not reached: serving it
 * as real would show them as facts, so it is refused.
 */
export async function refuseMovedClock(database: Database): Promise<void> {
  const { offsetMs } = await storedOffset(database.db)
  if (offsetMs > 0)
    throw new MovedClockError(
      `this database's clock was moved forward by a sandbox (by ${Math.round(offsetMs / 3_600_000)} h): start it with --sandbox, or use another database`,
    )
}

/** Loads the stored offset into the sandbox's clock; called at start and then periodically. */
export async function refreshSandboxClock(database: Database): Promise<void> {
  if (!(database.clock instanceof OffsetClock)) return
  database.clock.advanceTo((await storedOffset(database.db)).offsetMs)
}

/** How many milliseconds `advance` moves the clock from `now`. */
export function advanceMs(now: Date, advance: ClockAdvance, calendar: WorkingDayCalendar): number {
  let ms = (advance.hours ?? 0) * 3_600_000
  if (advance.working_days) {
    // The same time of day, on the n-th working day after today (Shanghai dates have no DST).
    const today = shanghaiDate(now)
    const target = calendar.addWorkingDays(now, advance.working_days)
    ms += Date.parse(`${target}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)
  }
  return ms
}

export function presentClock(offsetMs: number, movedAt: string | null): SandboxClockView {
  const real = Date.now()
  return {
    object: 'sandbox_clock',
    sandbox: true,
    now: new Date(real + offsetMs).toISOString(),
    real_now: new Date(real).toISOString(),
    offset_ms: offsetMs,
    moved_at: movedAt,
  }
}

/**
 * Moves the sandbox's clock forward, for every instance: the offset grows in the database
 * (one statement, so two moves at once both count) and the move is audited like any write.
 */
export async function advanceClock(
  database: Database,
  context: WriteContext,
  calendar: WorkingDayCalendar,
  advance: ClockAdvance,
): Promise<WriteOutcome<SandboxClockView>> {
  const outcome = await runWrite(database, context, async (tx) => {
    const delta = advanceMs(tx.now, advance, calendar)
    const movedAt = new Date(Date.now()).toISOString()
    await tx.db
      .insertInto('sandbox_clock')
      .values({ id: ROW_ID, offset_ms: 0, moved_at: movedAt })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute()
    const row = await tx.db
      .updateTable('sandbox_clock')
      .set((eb) => ({ offset_ms: eb('offset_ms', '+', delta), moved_at: movedAt }))
      .where('id', '=', ROW_ID)
      .returning('offset_ms')
      .executeTakeFirstOrThrow()
    const offsetMs = Number(row.offset_ms)
    tx.audit({
      action: 'sandbox.clock_advanced',
      objectId: 'sandbox_clock',
      jurisdictionId: (await rootJurisdiction(tx.db)).id,
      state: { advance, advanced_ms: delta, offset_ms: offsetMs },
    })
    return { status: 200, body: presentClock(offsetMs, movedAt) }
  })
  if (database.clock instanceof OffsetClock) database.clock.advanceTo(outcome.body.offset_ms)
  return outcome
}
