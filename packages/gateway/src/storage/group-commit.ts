import { type Kysely, sql, type Transaction } from 'kysely'
import type { Database } from './database.js'
import type { Schema } from './schema.js'

type Work<T> = (trx: Transaction<Schema>) => Promise<T>

interface Job {
  work: Work<unknown>
  resolve(value: unknown): void
  reject(error: unknown): void
}

// Large enough to absorb every connection of a busy client pool in one fsync, small enough
// that one batch never holds the writer for long.
const MAX_BATCH = 64

/**
 * Group commit for the embedded database. SQLite has one writer and, with
 * `synchronous=FULL`, one fsync per commit: that fsync, not the work, bounds how many writes
 * a second can be acknowledged. Writes that arrive while a commit is under way are run
 * together in the next transaction, each inside its own savepoint (a write that fails rolls
 * back alone), and acknowledged together once their one commit is durable. Nothing is
 * acknowledged before its commit, so no acknowledged write can be lost.
 */
class GroupCommit {
  private queue: Job[] = []
  private draining = false

  constructor(private readonly db: Kysely<Schema>) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      if (!this.draining) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.draining = true
    while (this.queue.length > 0) {
      // better-sqlite3 is synchronous: a transaction runs, fsync included, without giving
      // the event loop a turn. Yield once before each batch so that requests waiting on
      // sockets reach this queue and share the batch's commit.
      await new Promise((resolve) => setImmediate(resolve))
      const batch = this.queue.splice(0, MAX_BATCH)
      const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = []
      try {
        await this.db.transaction().execute(async (trx) => {
          for (const job of batch) {
            await sql`savepoint write`.execute(trx)
            try {
              const value = await job.work(trx)
              await sql`release write`.execute(trx)
              outcomes.push({ ok: true, value })
            } catch (error) {
              try {
                await sql`rollback to write`.execute(trx)
                await sql`release write`.execute(trx)
              } catch {
                // SQLite rolled the whole transaction back itself (out of space, an I/O
                // error): the batch fails, with the error that ended it.
                throw error
              }
              outcomes.push({ ok: false, error })
            }
          }
        })
      } catch (error) {
        // The commit itself failed: nothing in the batch happened.
        for (const job of batch) job.reject(error)
        continue
      }
      batch.forEach((job, i) => {
        const outcome = outcomes[i]
        if (outcome?.ok) job.resolve(outcome.value)
        else job.reject(outcome?.error)
      })
    }
    this.draining = false
  }
}

const committers = new WeakMap<Database, GroupCommit>()

/**
 * Runs one write in a transaction of its own on PostgreSQL (concurrent writers each commit
 * in parallel there), and through group commit on SQLite.
 */
export function transaction<T>(database: Database, work: Work<T>): Promise<T> {
  if (database.dialect === 'postgres') return database.db.transaction().execute(work)
  let committer = committers.get(database)
  if (!committer) {
    committer = new GroupCommit(database.db)
    committers.set(database, committer)
  }
  return committer.run(work)
}
