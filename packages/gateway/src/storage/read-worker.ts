import { parentPort, workerData } from 'node:worker_threads'
import SQLite from 'better-sqlite3'
import type { ReadRequest, ReadResponse } from './read-workers.js'

/**
 * A worker thread of `ReadWorkers`: one read-only connection to the SQLite file, on which it
 * runs the statements it is sent, one at a time, and posts their rows back.
 */
const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number }
const connection = new SQLite(path, { readonly: true, fileMustExist: true })
connection.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`)

parentPort?.on('message', ({ id, sql, parameters }: ReadRequest) => {
  let response: ReadResponse
  try {
    response = { id, rows: connection.prepare(sql).all(...parameters) }
  } catch (error) {
    const code = (error as { code?: unknown }).code
    response = {
      id,
      error: {
        message: error instanceof Error ? error.message : String(error),
        code: typeof code === 'string' ? code : undefined,
      },
    }
  }
  parentPort?.postMessage(response)
})
