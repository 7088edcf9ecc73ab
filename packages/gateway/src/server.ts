import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { createLogger } from './logger.js'
import { openDatabase } from './storage/database.js'
import { migrateToLatest } from './storage/migrator.js'

export function databaseOptionsFrom(config: Config) {
  return { databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, poolSize: config.databasePoolSize }
}

/**
 * Owns the process: opens and migrates the database, listens, and on SIGTERM/SIGINT stops
 * accepting connections, lets in-flight requests and workers finish, closes the database
 * and exits 0.
 */
export async function startServer(config: Config): Promise<FastifyInstance> {
  const logger = createLogger(config)
  const database = openDatabase(databaseOptionsFrom(config))
  const applied = await migrateToLatest(database)
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated')

  const app = await buildApp({ config, database, logger })
  closeWithGrace(
    { delay: config.shutdownTimeoutMs, logger: { error: (message: string) => logger.error(message) } },
    async ({ signal, err }) => {
      if (err) logger.error({ err }, 'shutting down after an unexpected error')
      else logger.info({ signal }, 'shutting down: finishing in-flight work')
      await app.close()
      logger.info('stopped')
    },
  )
  await app.listen({ port: config.port, host: config.host })
  logger.info(
    { database: database.dialect === 'sqlite' ? config.sqlitePath : 'postgresql' },
    `Hejie gateway ready on http://${config.host}:${(app.server.address() as { port: number }).port}`,
  )
  return app
}
