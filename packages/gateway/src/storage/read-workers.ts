import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

export interface ReadStatement {
  sql: string
  parameters: readonly unknown[]
}

export interface ReadRequest extends ReadStatement {
  id: number
}

export type ReadResponse =
  | { id: number; rows: unknown[] }
  | { id: number; error: { message: string; code: string | undefined } }

/** The worker's own module, compiled (dist) or as written (a test run on the sources). */
const workerModule = new URL(
  import.meta.url.endsWith('.ts') ? './read-worker.ts' : './read-worker.js',
  import.meta.url,
)

/**
 * Read-only statements on SQLite run in worker threads, each with a connection of its own.
 * SQLite runs a statement on the thread that asks for it, and better-sqlite3 asks on the
 * event loop's: a report that reads a million rows would stop every other request for as
 * long, and could use only one core. Here such a read is split into parts (by the caller),
 * each runs on a worker, and the event loop waits for none of them.
 *
 * Each part reads in a read transaction of its own: parts that read disjoint rows (as the
 * callers split them) see each row once, from one committed state or the next.
 *
 * The threads start on the first read and stay until `close()`; they keep the process alive
 * only while a read of theirs is in flight.
 */
export class ReadWorkers {
  /** Parts worth splitting a read into: one per core, at least two (at most four). */
  readonly parallelism = Math.min(4, Math.max(2, availableParallelism()))
  private workers: Worker[] = []
  private readonly waiting = new Map<
    number,
    { worker: Worker; resolve(rows: unknown[]): void; reject(error: Error): void }
  >()
  private nextId = 1
  private nextWorker = 0

  constructor(
    private readonly path: string,
    private readonly busyTimeoutMs: number,
  ) {}

  /** Runs each statement on a worker, all at once, and resolves to their rows in order. */
  all(statements: readonly ReadStatement[]): Promise<unknown[][]> {
    return Promise.all(statements.map((statement) => this.run(statement)))
  }

  async close(): Promise<void> {
    const workers = this.workers
    this.workers = []
    for (const waiter of this.waiting.values()) waiter.reject(new Error('the database was closed'))
    this.waiting.clear()
    await Promise.all(workers.map((worker) => worker.terminate()))
  }

  private run({ sql, parameters }: ReadStatement): Promise<unknown[]> {
    const worker = this.worker()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { worker, resolve, reject })
      worker.ref()
      worker.postMessage({ id, sql, parameters } satisfies ReadRequest)
    })
  }

  private worker(): Worker {
    if (this.workers.length < this.parallelism) {
      const worker = new Worker(workerModule, {
        workerData: { path: this.path, busyTimeoutMs: this.busyTimeoutMs },
      })
      worker.unref()
      worker.on('message', (response: ReadResponse) => this.settle(response))
      // A worker that dies (its connection could not open, say) fails what it was asked and
      // leaves the pool; the next read starts another.
      worker.on('error', (error) => this.fail(worker, error))
      worker.on('exit', () => this.fail(worker, new Error('a read worker exited')))
      this.workers.push(worker)
      return worker
    }
    return this.workers[this.nextWorker++ % this.workers.length] as Worker
  }

  private settle(response: ReadResponse): void {
    const waiter = this.waiting.get(response.id)
    if (!waiter) return
    this.waiting.delete(response.id)
    if (![...this.waiting.values()].some(({ worker }) => worker === waiter.worker)) waiter.worker.unref()
    if ('rows' in response) waiter.resolve(response.rows)
    // The driver's error code (SQLITE_BUSY, …) travels with it: callers map it to a problem.
    else waiter.reject(Object.assign(new Error(response.error.message), { code: response.error.code }))
  }

  private fail(worker: Worker, error: Error): void {
    if (!this.workers.includes(worker)) return
    this.workers = this.workers.filter((other) => other !== worker)
    for (const [id, waiter] of this.waiting) {
      if (waiter.worker !== worker) continue
      this.waiting.delete(id)
      waiter.reject(error)
    }
  }
}
