// The parts of the multi-instance benchmark that run in processes of their own
// (lib/service.mjs): gateway instances sharing one PostgreSQL database.
import { seedDisputes } from './dispute-fixture.mjs'

/**
 * One gateway instance on the PostgreSQL database at `databaseUrl`, as a deployment runs
 * several: the same master key on each (the signing keys are in the database, sealed with
 * it), so a token issued by one is accepted by every one. With `seed`, this instance makes
 * the working set (an enterprise, its client, 50 disputes) and hands its token over in `info`.
 */
export async function startInstance({ databaseUrl, masterKey, seed }) {
  const { startGateway } = await import('./gateway.mjs')
  const gateway = await startGateway({
    databaseUrl,
    config: { masterKey },
    ...(seed ? { seed: (app, database) => seedDisputes(app, database, { count: 50 }) } : {}),
  })
  return { ...gateway, info: { ...gateway.info, port: gateway.port } }
}
