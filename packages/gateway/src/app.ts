import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import fp from 'fastify-plugin'
import { type Config, publicUrlOf } from './config.js'
import { PhoneKeyer } from './domain/phone-key.js'
import { authenticationPlugin } from './http/authentication.js'
import { FormProofs } from './http/confirmation-page/form-proof.js'
import { ConsoleAssets, DEFAULT_CONSOLE_DIR } from './http/console/assets.js'
import { declareMechanismResponses } from './http/declared-responses.js'
import { metricsPlugin } from './http/metrics.js'
import { openapiPlugin } from './http/openapi.js'
import {
  frameworkErrors,
  MAX_PARAM_LENGTH,
  registerNotFoundHandler,
  registerProblemHandler,
} from './http/problem-handler.js'
import { rateLimitPlugin } from './http/rate-limit.js'
import { requestIdFrom } from './http/request-id.js'
import { RouteTable } from './http/route-table.js'
import { serializerFactory } from './http/serialization.js'
import { refuseUnknownQueryParameters } from './http/strict-query.js'
import { validatorFactory } from './http/validation.js'
import { serializeRequest } from './logger.js'
import { auditRoutes } from './routes/audit.js'
import { clientRoutes } from './routes/clients.js'
import { confirmationPageRoutes } from './routes/confirmation-page.js'
import { confirmationRoutes } from './routes/confirmations.js'
import { consolePageRoutes } from './routes/console-pages.js'
import { consoleSessionRoutes } from './routes/console-session.js'
import { dispatchRoutes } from './routes/dispatch.js'
import { disputeRoutes } from './routes/disputes.js'
import { enterpriseRoutes } from './routes/enterprises.js'
import { eventRoutes } from './routes/events.js'
import { fileRoutes } from './routes/files.js'
import { identityRoutes } from './routes/identity.js'
import { jurisdictionRoutes } from './routes/jurisdictions.js'
import { oauthRoutes } from './routes/oauth.js'
import { operationsRoutes } from './routes/operations.js'
import { riskSignalRoutes } from './routes/risk-signals.js'
import { statsRoutes } from './routes/stats.js'
import { webhookRoutes } from './routes/webhooks.js'
import { auditSchemas } from './schemas/audit.js'
import { confirmationSchemas } from './schemas/confirmations.js'
import { dispatchSchemas } from './schemas/dispatch.js'
import { disputeSchemas } from './schemas/disputes.js'
import { eventSchemas } from './schemas/events.js'
import { fileSchemas } from './schemas/files.js'
import { identitySchemas } from './schemas/identity.js'
import { jurisdictionSchemas } from './schemas/jurisdictions.js'
import { rankingSchemas } from './schemas/rankings.js'
import { riskSignalSchemas } from './schemas/risk-signals.js'
import { statsSchemas } from './schemas/stats.js'
import { webhookSchemas } from './schemas/webhooks.js'
import { ConsoleSessions } from './services/console/sessions.js'
import { deadlinePolicyFrom } from './services/disputes/deadline-policy.js'
import { Identity } from './services/identity/identity.js'
import type { Database } from './storage/database.js'
import { storagePlugin } from './storage/plugin.js'
import { gatewayJobProcess, startJobs } from './workers/jobs.js'

export const BODY_LIMIT_BYTES = 1024 * 1024

export interface AppOptions {
  config: Config
  database: Database
  /** Close the database when the app closes (the default: the app owns it). */
  closeDatabase?: boolean
  logger?: FastifyBaseLogger
}

/**
 * The gateway as a Fastify plugin. Loading order is fixed: shared HTTP mechanisms, then
 * external plugins (storage, metrics, OpenAPI, rate limit), then routes.
 */
export const hejieApp = fp(registerGateway, { name: 'hejie', fastify: '5.x' })

async function registerGateway(app: FastifyInstance, options: AppOptions): Promise<void> {
  registerProblemHandler(app)
  const routes = new RouteTable()
  routes.watch(app)
  refuseUnknownQueryParameters(app)
  declareMechanismResponses(app)
  // Only JSON bodies are accepted (the token endpoint adds form encoding for itself);
  // anything else, text included, is a 415.
  app.removeContentTypeParser('text/plain')
  // Hooks on every request take a callback rather than returning a promise: each promise
  // is a trip through the microtask queue, on every request, for work that is synchronous.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  await app.register(storagePlugin, {
    database: options.database,
    closeOnShutdown: options.closeDatabase ?? true,
  })
  await app.register(metricsPlugin)
  await app.register(openapiPlugin)
  await app.register(rateLimitPlugin, {
    max: options.config.rateLimitMax,
    windowMs: options.config.rateLimitWindowMs,
    redisUrl: options.config.redisUrl,
  })
  registerNotFoundHandler(app, routes)

  const identity = new Identity(options.config, options.database)
  await identity.load()
  await app.register(authenticationPlugin, { tokens: identity.tokens })
  for (const schema of [...identitySchemas, ...jurisdictionSchemas]) app.addSchema(schema)

  await app.register(operationsRoutes)
  await app.register(oauthRoutes, { identity, tokenRateLimit: options.config.tokenRateLimit })
  await app.register(identityRoutes, { identity })
  await app.register(jurisdictionRoutes)
  await app.register(enterpriseRoutes)
  await app.register(clientRoutes, { identity })

  const deadlines = deadlinePolicyFrom(options.config)
  const year = options.database.clock.now().getUTCFullYear()
  const provisional = [year, year + 1].filter((y) => deadlines.calendar.isProvisionalYear(y))
  if (provisional.length > 0) {
    app.log.warn(
      { provisional_years: provisional },
      'the holiday schedule of these years is not published yet: their statutory days off are derived from the law, and deadlines counted through them are marked respond_by_provisional until a newer release or HEJIE_CALENDAR_FILE brings the schedule',
    )
  }
  for (const schema of dispatchSchemas) app.addSchema(schema)
  for (const schema of disputeSchemas) app.addSchema(schema)
  await app.register(disputeRoutes, { deadlines, phoneKeyer: PhoneKeyer.fromMasterKey(identity.masterKey) })
  await app.register(dispatchRoutes)
  for (const schema of confirmationSchemas) app.addSchema(schema)
  const links = { publicUrl: publicUrlOf(options.config), ttlHours: options.config.confirmationTtlHours }
  await app.register(confirmationRoutes, { links })
  await app.register(confirmationPageRoutes, {
    proofs: FormProofs.fromMasterKey(identity.masterKey),
    publicUrl: links.publicUrl,
  })
  for (const schema of statsSchemas) app.addSchema(schema)
  for (const schema of rankingSchemas) app.addSchema(schema)
  await app.register(statsRoutes)
  for (const schema of riskSignalSchemas) app.addSchema(schema)
  await app.register(riskSignalRoutes)
  for (const schema of eventSchemas) app.addSchema(schema)
  await app.register(eventRoutes)
  for (const schema of webhookSchemas) app.addSchema(schema)
  await app.register(webhookRoutes, {
    masterKey: identity.masterKey,
    targets: {
      allowPrivate: options.config.webhookAllowPrivateTargets,
      extraPorts: options.config.webhookAllowedPorts,
    },
  })
  for (const schema of fileSchemas) app.addSchema(schema)
  await app.register(fileRoutes)
  for (const schema of auditSchemas) app.addSchema(schema)
  await app.register(auditRoutes, { identity, origin: options.config.auditOrigin })
  const consoleSessions = new ConsoleSessions(
    options.database,
    {
      lifetimeMs: options.config.consoleSessionHours * 3_600_000,
      idleMs: options.config.consoleIdleMinutes * 60_000,
    },
    identity.masterKey.derive('console csrf'),
  )
  await app.register(consoleSessionRoutes, {
    sessions: consoleSessions,
    identity,
    signInRateLimit: options.config.tokenRateLimit,
  })
  await app.register(consolePageRoutes, {
    assets: ConsoleAssets.load(options.config.consoleDir ?? DEFAULT_CONSOLE_DIR),
  })
  const jobs = startJobs(gatewayJobProcess(options.config), {
    config: options.config,
    database: options.database,
    identity,
    deadlines,
    log: app.log,
  })
  // Registered after the storage plugin's hook, so it runs first: deliveries and runs in
  // progress finish before the database closes.
  app.addHook('onClose', () => jobs.stop())
}

/**
 * A Fastify instance configured as the server runs it, with the gateway registered but not
 * yet ready (tests may add routes of their own first).
 */
export function createApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    // Whatever logger the app is given logs requests with their URLs redacted: a token in
    // the query string never reaches a log line.
    ...(options.logger
      ? { loggerInstance: options.logger.child({}, { serializers: { req: serializeRequest } }) }
      : { logger: false }),
    genReqId: requestIdFrom,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    schemaController: {
      compilersFactory: { buildValidator: validatorFactory, buildSerializer: serializerFactory },
    },
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.register(hejieApp, options)
  return app
}

/** Builds the app, ready for `inject` or `listen`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = createApp(options)
  await app.ready()
  return app
}
