import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Database } from './database.js'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
  }
}

export interface StorageOptions {
  database: Database
  /** Close the database with the app (the process owns it); tests that share one pass false. */
  closeOnShutdown: boolean
}

/** Makes the database available to services; closes it last, after requests and workers. */
export const storagePlugin = fp(
  async (app: FastifyInstance, options: StorageOptions) => {
    app.decorate('database', options.database)
    if (options.closeOnShutdown) app.addHook('onClose', async () => options.database.close())
  },
  { name: 'hejie-storage', fastify: '5.x' },
)
