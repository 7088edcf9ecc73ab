import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import t from 'tap'

// These tests import the built package by its name, as the benchmarks (and any program) do:
// what they see is `dist/`, through the `exports` map of package.json. Run `pnpm run build`
// first; `pnpm test` type-checks, which builds.
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  main: string
  types: string
  bin: Record<string, string>
  exports: Record<string, unknown>
}

/** What the benchmarks take from `@hejie/gateway`, by what they do with it. */
const usedByBenchmarks = {
  'start the gateway on a fresh database (lib/gateway.mjs)': [
    'buildApp',
    'loadConfig',
    'openDatabase',
    'migrateToLatest',
  ],
  'create API clients and an enterprise (lib/dispute-fixture.mjs, lib/audit-log.mjs)': [
    'createClient',
    'operator',
    'usccCheckCharacter',
  ],
  'build the dispute corpus of the scale benchmark (lib/dispute-corpus.mjs)': [
    'newId',
    'isValidUscc',
    'deadlinePolicyFrom',
    'respondBy',
    'intakeRow',
  ],
  'read the plans of the list and fetch queries (lib/scale-parts.mjs)': [
    'listDisputes',
    'getDispute',
    'encodeCursor',
  ],
  'serve the same list from a bare route (benchmarks/disputes-list.mjs)': [
    'presentDispute',
    'disputeSchemas',
  ],
  'append to the audit log and prove inclusion (lib/audit-log.mjs)': [
    'transaction',
    'appendAuditEntries',
    'recordTimeline',
    'proveInclusion',
  ],
  'send webhooks without the database (lib/webhooks.mjs)': ['sendDelivery', 'webhookAgent'],
}

/**
 * Why importing `specifier` failed: Node's error code ('imported' when it did not fail). The
 * resolver tap runs TypeScript tests with puts the code at the start of the message instead.
 */
async function importFailure(specifier: string): Promise<string> {
  try {
    await import(specifier)
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string }
    return code ?? message ?? String(error)
  }
  return 'imported'
}

t.test('the package names its entry point in main, types and the exports map alike', async (t) => {
  t.same(packageJson.exports['.'], { types: './dist/index.d.ts', default: './dist/index.js' })
  t.equal(`./${packageJson.main}`, './dist/index.js')
  t.equal(`./${packageJson.types}`, './dist/index.d.ts')
  t.same(Object.keys(packageJson.exports).sort(), ['.', './package.json'])
})

t.test('the entry point exposes everything the benchmarks use', async (t) => {
  const gateway: Record<string, unknown> = await import('@hejie/gateway')
  for (const [purpose, names] of Object.entries(usedByBenchmarks)) {
    for (const name of names) t.ok(gateway[name] !== undefined, `${name}, to ${purpose}`)
  }
})

t.test('what the entry point exposes is the gateway code itself, working', async (t) => {
  const gateway = await import('@hejie/gateway')
  t.equal(gateway.operator.role, 'operator')
  const first17 = '91110106MA0077310'
  t.ok(gateway.isValidUscc(first17 + gateway.usccCheckCharacter(first17)))
  t.match(gateway.newId('dsp'), /^dsp_[0-9a-z]{26}$/)
  t.ok(gateway.disputeSchemas.some((schema) => (schema as { $id?: string }).$id === 'DisputeList'))
  t.type(gateway.encodeCursor(['dsp_x']), 'string')
  t.throws(() => gateway.loadConfig({ PORT: 'abc' }), gateway.ConfigError)
  const config = gateway.loadConfig(
    {},
    { logLevel: 'silent', sqlitePath: ':memory:', masterKey: randomBytes(32).toString('base64') },
  )
  const database = gateway.openDatabase({ sqlitePath: config.sqlitePath })
  await gateway.migrateToLatest(database)
  const app = await gateway.buildApp({ config, database })
  t.teardown(() => app.close())
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200)
})

t.test('a module past the exports map is refused, so no one reaches into dist', async (t) => {
  // Held in variables: the type checker would refuse these imports too, which is the point.
  const refused = [
    '@hejie/gateway/dist/app.js',
    '@hejie/gateway/dist/index.js',
    '@hejie/gateway/dist/services/audit/index.js',
    '@hejie/gateway/dist/storage/database.js',
    '@hejie/gateway/src/index.ts',
  ]
  for (const specifier of refused) {
    t.match(await importFailure(specifier), /^ERR_PACKAGE_PATH_NOT_EXPORTED\b/, specifier)
  }
})

t.test(
  'package.json is exported and its command is a committed file that runs the built cli.js',
  async (t) => {
    const exported = createRequire(import.meta.url)('@hejie/gateway/package.json') as typeof packageJson
    t.equal(exported.bin['hejie-gateway'], 'bin/hejie-gateway.js')
    const command = new URL(`../../${exported.bin['hejie-gateway']}`, import.meta.url)
    // Node with the gateway's V8 settings (test/processes/node-flags.test.ts checks which).
    t.match(
      readFileSync(command, 'utf8'),
      /^#!\/usr\/bin\/env -S node [^\n]*\n[\s\S]*^import '\.\.\/dist\/cli\.js'$/m,
    )
    t.ok(existsSync(new URL('../../dist/cli.js', import.meta.url)), 'and the program it loads is built')
  },
)

t.test('no benchmark imports the gateway other than through its exports map', async (t) => {
  const bench = new URL('../../../../bench/', import.meta.url)
  const files = [
    'run.mjs',
    ...['lib', 'benchmarks'].flatMap((folder) =>
      readdirSync(new URL(folder, bench)).map((file) => `${folder}/${file}`),
    ),
  ].filter((file) => file.endsWith('.mjs'))
  t.ok(files.length > 10, 'the benchmarks are where they were')
  const specifiers: string[] = []
  for (const file of files) {
    const source = readFileSync(new URL(file, bench), 'utf8')
    for (const [, specifier = ''] of source.matchAll(/['"](@hejie\/gateway(?:\/[^'"]*)?)['"]/g)) {
      specifiers.push(specifier)
      const subpath = `.${specifier.slice('@hejie/gateway'.length)}`
      t.ok(subpath in packageJson.exports, `${file} imports ${specifier}, which the exports map names`)
    }
  }
  t.ok(specifiers.length > 0, 'the benchmarks import the gateway by name')
})
