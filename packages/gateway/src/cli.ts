#!/usr/bin/env node
import { randomUUID } from 'node:crypto'
import { Command, Option } from 'commander'
import { type Config, ConfigError, loadConfig } from './config.js'
import { isScope, operator, type Role, type Scope } from './domain/principal.js'
import { createLogger } from './logger.js'
import { adoptDeploymentClock, databaseOptionsFrom, startServer } from './server.js'
import { deadlinePolicyFrom } from './services/disputes/deadline-policy.js'
import { createClient } from './services/identity/clients.js'
import { Identity } from './services/identity/identity.js'
import { jurisdictionByCode } from './services/jurisdictions/tree.js'
import { stopGracefully } from './shutdown.js'
import type { Database } from './storage/database.js'
import { openDatabase } from './storage/database.js'
import { migrateToLatest } from './storage/migrator.js'
import { startJobs } from './workers/jobs.js'

/** `hejie-gateway`: run the gateway and administer its database. */
const program = new Command('hejie-gateway')
  .description('The Hejie settlement API gateway. Configuration comes from the environment (see the README).')
  .showHelpAfterError()

program
  .command('start', { isDefault: true })
  .description('migrate the database and serve the API until SIGTERM or SIGINT')
  .option('--demo', 'load demo data into an empty database and print credentials to try it')
  .option('--sandbox', 'run as a sandbox: a clock that can be moved forward, and the /v1/sandbox routes')
  .action(async (options: { demo?: boolean; sandbox?: boolean }) => {
    await startServer(sandboxed(loadConfig(), options), { demo: options.demo ?? false })
  })

program
  .command('worker')
  .description(
    'run the background jobs without serving HTTP: webhooks, deadlines, checkpoints, purges (run any number beside the gateways)',
  )
  .option('--sandbox', 'work for a sandbox: read its movable clock')
  .action(async (options: { sandbox?: boolean }) => {
    const config = sandboxed(loadConfig(), options)
    const logger = createLogger(config)
    const database = openDatabase(databaseOptionsFrom(config))
    await migrateToLatest(database)
    await adoptDeploymentClock(database)
    const identity = new Identity(config, database)
    // The checkpoint signer signs with the key ring (which the worker's signing-key refresh
    // keeps current); revocations only matter to token verification, which a worker never does.
    await identity.keys.load()
    const jobs = startJobs('worker', {
      config,
      database,
      identity,
      deadlines: deadlinePolicyFrom(config),
      log: logger,
    })
    // The jobs' timers do not hold a process open (inside the gateway the HTTP server does);
    // without this handle the worker would exit as soon as it is idle.
    const keepAlive = setInterval(() => {}, 2 ** 30)
    stopGracefully({ delayMs: config.shutdownTimeoutMs, logger }, async ({ signal, err }) => {
      clearInterval(keepAlive)
      if (err) logger.error({ err }, 'shutting down after an unexpected error')
      else logger.info({ signal }, 'shutting down: finishing in-flight deliveries and runs')
      await jobs.stop()
      await database.close()
      logger.info('stopped')
    })
    logger.info(`Hejie worker ready: running ${jobs.names.join(', ')}`)
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

/** Opens and migrates the configured database for one administrative command. */
/** The configuration, as a sandbox when the command line says so (`HEJIE_SANDBOX=true` does too). */
function sandboxed(config: Config, options: { sandbox?: boolean }): Config {
  return options.sandbox ? { ...config, sandbox: true } : config
}

async function withDatabase<T>(work: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const database = openDatabase(databaseOptionsFrom(config))
  try {
    await migrateToLatest(database)
    return await work(database, config)
  } finally {
    await database.close()
  }
}

const clients = program.command('clients').description('manage API clients from the command line')
clients
  .command('create')
  .description('create an API client and print its credentials (shown once, never stored in the clear)')
  .requiredOption('--name <name>', 'what the client is for, e.g. "12315 intake centre"')
  .addOption(
    new Option(
      '--role <role>',
      'regulator, enterprise with --enterprise, unit with --unit, or witness with --witness-key',
    )
      .choices(['regulator', 'enterprise', 'witness', 'unit'])
      .makeOptionMandatory(),
  )
  .option('--enterprise <id>', 'the enterprise an enterprise client acts for')
  .option('--unit <id>', 'the handling unit (hnu_…) a unit client works for')
  .option(
    '--jurisdiction <code>',
    "a regulator client's jurisdiction, by its code (e.g. 110106): it sees that subtree (default: the root)",
  )
  .option(
    '--witness-key <vkey>',
    "a witness's C2SP verifier key (from `hejie audit witness keygen`): its cosignatures must verify with it",
  )
  .option(
    '--scopes <scopes>',
    'scopes narrowing the client, repeated or separated with commas (default: all of its role)',
    (value: string, previous: string[] = []) => [
      ...previous,
      ...value
        .split(',')
        .map((scope) => scope.trim())
        .filter(Boolean),
    ],
  )
  .action(
    async (options: {
      name: string
      role: Role
      enterprise?: string
      unit?: string
      jurisdiction?: string
      witnessKey?: string
      scopes?: string[]
    }) => {
      if ((options.role === 'enterprise') !== Boolean(options.enterprise)) {
        throw new Error('--enterprise is required for an enterprise client and not allowed for other clients')
      }
      if ((options.role === 'unit') !== Boolean(options.unit)) {
        throw new Error('--unit is required for a unit client and not allowed for other clients')
      }
      if (options.jurisdiction !== undefined && options.role !== 'regulator') {
        throw new Error('--jurisdiction is for regulator clients only')
      }
      if ((options.role === 'witness') !== Boolean(options.witnessKey)) {
        throw new Error('--witness-key is required for a witness client and not allowed for other clients')
      }
      const scopes = options.scopes
      const unknown = scopes?.filter((scope) => !isScope(scope)) ?? []
      if (unknown.length > 0) throw new Error(`unknown scopes: ${unknown.join(', ')}`)
      const created = await withDatabase(async (database) => {
        const code = options.jurisdiction
        const jurisdiction = code === undefined ? undefined : await jurisdictionByCode(database.db, code)
        if (code !== undefined && !jurisdiction) {
          throw new Error(`no jurisdiction has the code ${code} (see GET /v1/jurisdictions)`)
        }
        return createClient(
          database,
          { actor: operator, requestId: `cli-${randomUUID()}` },
          {
            name: options.name,
            role: options.role,
            enterpriseId: options.enterprise ?? null,
            unitId: options.unit,
            jurisdictionId: jurisdiction?.id,
            scopes: scopes as Scope[] | undefined,
            witnessKey: options.witnessKey,
          },
        )
      })
      const { client_id, client_secret, role, scopes: granted } = created.body
      console.log(`client_id:     ${client_id}`)
      console.log(`client_secret: ${client_secret}`)
      console.log(`role:          ${role}`)
      if (role === 'regulator') console.log(`jurisdiction:  ${created.body.jurisdiction_id}`)
      if (role === 'unit') console.log(`unit:          ${created.body.unit_id}`)
      console.log(`scopes:        ${granted.join(' ')}`)
      console.log('\nThe secret is shown this once. Get a token with:')
      console.log(
        `  curl -s -u '${client_id}:${client_secret}' -d grant_type=client_credentials http://HOST:PORT/v1/oauth/token`,
      )
    },
  )

program
  .command('keys')
  .description('manage the keys that sign access tokens and audit checkpoints')
  .command('rotate')
  .description('make a new signing key current; old public keys stay in the JWKS')
  .action(async () => {
    const config = loadConfig()
    const kid = await withDatabase(async (database) => {
      const identity = new Identity(config, database)
      await identity.keys.load()
      return identity.keys.rotate()
    })
    console.log(
      `published ${kid}; it signs from ${Math.round(config.keyActivationDelayMs / 1000)} s from now, on every instance`,
    )
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
