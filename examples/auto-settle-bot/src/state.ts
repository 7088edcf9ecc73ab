import { readFile, rename, writeFile } from 'node:fs/promises'
import type { HandOffReason } from './policy.js'

/** A dispute the bot took: what it decided, and how far it got. */
export interface Taken {
  status: 'taken'
  /** The refund the bot decided on, in fen (the claim). */
  amountFen: number
  /**
   * When it decided: the time of the contact, the agreement and the refund it reports, so a
   * re-run sends the same bodies and the gateway replays them under the same keys.
   */
  decidedAt: string
  contacted?: boolean
  confirmationRequested?: boolean
}

/** A dispute left to people, with why; the bot never touches it again. */
export interface ForPeople {
  status: 'people'
  reason: HandOffReason
}

export interface Done {
  status: 'fulfilled'
}

/** Everything the bot keeps between passes. Hejie's records stay the truth; this is its memory. */
export interface BotState {
  /** The id of the last `dispute.assigned` event worked; the feed is read after it. */
  cursor?: string
  /** Today's refunds in fen, counted when the bot takes a dispute (before it pays). */
  budget: { day: string; spentFen: number }
  disputes: Record<string, Taken | ForPeople | Done>
}

export interface StateStore {
  load(): Promise<BotState>
  save(state: BotState): Promise<void>
}

export const emptyState = (): BotState => ({ budget: { day: '', spentFen: 0 }, disputes: {} })

/**
 * The state in a small JSON file, written to a temporary file and renamed so that a crash
 * never leaves half of one. A missing file is a first run.
 */
export function fileStateStore(path: string): StateStore {
  return {
    async load() {
      try {
        return { ...emptyState(), ...(JSON.parse(await readFile(path, 'utf8')) as Partial<BotState>) }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState()
        throw error
      }
    },
    async save(state) {
      await writeFile(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`)
      await rename(`${path}.tmp`, path)
    },
  }
}
