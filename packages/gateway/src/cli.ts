#!/usr/bin/env node
import { Command } from 'commander'
import { ConfigError, loadConfig } from './config.js'
import { databaseOptionsFrom, startServer } from './server.js'
import { openDatabase } from './storage/database.js'
import { migrateToLatest } from './storage/migrator.js'

/** `hejie-gateway`: run the gateway and administer its database. */
const program = new Command('hejie-gateway')
  .description('The Hejie settlement API gateway. Configuration comes from the environment (see the README).')
  .showHelpAfterError()

program
  .command('start', { isDefault: true })
  .description('migrate the database and serve the API until SIGTERM or SIGINT')
  .action(async () => {
    await startServer(loadConfig())
  })

program
  .command('migrate')
  .description('bring the database schema up to date, then exit')
  .action(async () => {
    const database = openDatabase(databaseOptionsFrom(loadConfig()))
    try {
      const applied = await migrateToLatest(database)
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date')
    } finally {
      await database.close()
    }
  })

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`hejie-gateway: invalid configuration: ${error.message}`)
  } else {
    console.error(`hejie-gateway: ${error instanceof Error ? error.message : String(error)}`)
  }
  process.exit(1)
}
