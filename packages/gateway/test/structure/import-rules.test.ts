import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

/**
 * The gateway's structure, checked from its imports: data flows one way (routes → services →
 * domain and storage), the parts of `services/` form no cycle, and the write kernel and the
 * audit log are reached only through their faces. A change that breaks a rule fails here,
 * with the import that breaks it.
 */
const gatewaySrc = fileURLToPath(new URL('../../src/', import.meta.url))
const merkleSrc = fileURLToPath(new URL('../../../merkle/src/', import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

interface Import {
  specifier: string
  /** `import type …`: erased when compiled, a dependency on a shape only. */
  typeOnly: boolean
}

/** What a file imports or re-exports, static and dynamic. */
function imports(file: string): Import[] {
  const text = readFileSync(file, 'utf8')
  return [
    ...[...text.matchAll(/^\s*(import|export)(\s+type)?\b[^'"]*?\bfrom\s+'([^']+)'/gm)].map((match) => ({
      specifier: match[3] as string,
      typeOnly: match[2] !== undefined,
    })),
    ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((match) => ({
      specifier: match[1] as string,
      typeOnly: false,
    })),
  ]
}

const specifiers = (file: string) => imports(file).map((found) => found.specifier)

interface Edge {
  from: string
  to: string
  typeOnly: boolean
}

/** Every import from one gateway source file to another, as paths relative to src/. */
function internalImports(): Edge[] {
  return sourceFiles(gatewaySrc).flatMap((file) =>
    imports(file)
      .filter(({ specifier }) => specifier.startsWith('.'))
      .map(({ specifier, typeOnly }) => ({
        from: relative(gatewaySrc, file),
        to: relative(gatewaySrc, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts'),
        typeOnly,
      })),
  )
}

const edges = internalImports()
const topOf = (path: string) => (path.includes('/') ? (path.split('/')[0] as string) : path)
const show = (edge: Edge) => `${edge.from} → ${edge.to}`

t.test('the source tree has imports to check', async (t) => {
  t.ok(edges.length > 100, `${edges.length} imports between gateway files`)
})

t.test('domain, storage and schemas import nothing above them', async (t) => {
  const below: Record<string, readonly string[]> = {
    domain: ['domain'],
    storage: ['storage', 'domain'],
    schemas: ['schemas', 'domain'],
  }
  // The stored rows' shapes are the facts the dispute rules read: the domain may name them.
  const rowShapes = (edge: Edge) => edge.typeOnly && edge.to === 'storage/schema.ts'
  const upward = edges.filter((edge) => {
    const allowed = below[topOf(edge.from)]
    return allowed !== undefined && !allowed.includes(topOf(edge.to)) && !rowShapes(edge)
  })
  t.same(upward.map(show), [], 'no import from the bottom floors reaches up')
})

t.test('services never import the HTTP layer, routes, workers or the app', async (t) => {
  const above = new Set(['http', 'routes', 'workers', 'demo', 'app.ts', 'server.ts', 'cli.ts'])
  const upward = edges.filter((edge) => topOf(edge.from) === 'services' && above.has(topOf(edge.to)))
  t.same(upward.map(show), [])
})

t.test('no two parts of services import each other, directly or round a cycle', async (t) => {
  const partOf = (path: string) => path.split('/').slice(0, 2).join('/').replace(/\.ts$/, '')
  const graph = new Map<string, Set<string>>()
  for (const edge of edges) {
    if (topOf(edge.from) !== 'services' || topOf(edge.to) !== 'services') continue
    const from = partOf(edge.from)
    const to = partOf(edge.to)
    if (from === to) continue
    if (!graph.has(from)) graph.set(from, new Set())
    graph.get(from)?.add(to)
  }
  const cycles: string[] = []
  const visit = (part: string, path: string[]) => {
    for (const next of graph.get(part) ?? []) {
      if (next === path[0]) cycles.push([...path, next].join(' → '))
      else if (!path.includes(next)) visit(next, [...path, next])
    }
  }
  for (const part of graph.keys()) visit(part, [part])
  t.ok(graph.size >= 5, `${graph.size} parts of services import others`)
  t.same(cycles, [], 'the parts of services form no cycle')
})

t.test('the write kernel imports no other service but the audit log', async (t) => {
  const outward = edges.filter(
    (edge) =>
      edge.from.startsWith('services/write/') &&
      edge.to.startsWith('services/') &&
      !edge.to.startsWith('services/write/') &&
      edge.to !== 'services/audit/index.ts',
  )
  t.same(outward.map(show), [])
})

t.test('who sees what (services/tenancy) imports no other service, so every part may use it', async (t) => {
  const outward = edges.filter(
    (edge) =>
      edge.from.startsWith('services/tenancy/') &&
      edge.to.startsWith('services/') &&
      !edge.to.startsWith('services/tenancy/'),
  )
  t.same(outward.map(show), [])
  t.ok(
    edges.some((edge) => edge.from.startsWith('services/audit/') && edge.to.startsWith('services/tenancy/')),
    'the audit log reads through it',
  )
})

t.test('the write kernel and the audit log are reached only through their faces', async (t) => {
  for (const part of ['services/write/', 'services/audit/']) {
    const around = edges.filter(
      (edge) => !edge.from.startsWith(part) && edge.to.startsWith(part) && edge.to !== `${part}index.ts`,
    )
    t.same(around.map(show), [], `only ${part}index.ts is imported from outside ${part}`)
  }
})

t.test('the Merkle package runs in browsers: it imports nothing from Node.js or elsewhere', async (t) => {
  const files = sourceFiles(merkleSrc)
  t.ok(files.length >= 4, `${files.length} files in @hejie/merkle`)
  const foreign = files.flatMap((file) =>
    specifiers(file)
      .filter((specifier) => !specifier.startsWith('./'))
      .map((specifier) => `${relative(merkleSrc, file)} imports ${specifier}`),
  )
  t.same(foreign, [])
  const bufferUse = files.filter((file) => /\bBuffer\b|\bprocess\./.test(readFileSync(file, 'utf8')))
  t.same(bufferUse, [], 'no Buffer, no process')
})

t.test('nothing in the gateway reads the time from Date instead of the clock', async (t) => {
  // Real time on purpose: token lifetimes and key activation (identity), webhook signature
  // timestamps and attempt durations (send), ids' time component, process start-up, and
  // the migration that makes the root jurisdiction (migrations run before any clock), and
  // console sessions, which end in real time like the tokens they give, and the shutdown's
  // one second within which a repeated signal is the same request to stop.
  const realTimeOnPurpose = new Set([
    'shutdown.ts',
    'services/console/sessions.ts',
    'services/sandbox/clock.ts',
    'storage/migrations/0007-jurisdictions.ts',
    'services/identity/key-ring.ts',
    'services/identity/tokens.ts',
    'services/webhooks/send.ts',
    'domain/ids.ts',
    'domain/clock.ts',
  ])
  const readers = sourceFiles(gatewaySrc)
    .map((file) => relative(gatewaySrc, file))
    .filter((file) => !realTimeOnPurpose.has(file) && !file.startsWith('scripts/'))
    .filter((file) => /new Date\(\)|Date\.now\(\)/.test(readFileSync(join(gatewaySrc, file), 'utf8')))
  t.same(readers, [], 'every other "now" comes from the deployment clock')
})

t.test('folders of the gateway are the parts the architecture names', async (t) => {
  const folders = new Set(sourceFiles(gatewaySrc).map((file) => topOf(relative(gatewaySrc, file))))
  t.same([...folders].filter((name) => !name.endsWith('.ts')).sort(), [
    'demo',
    'domain',
    'http',
    'routes',
    'schemas',
    'scripts',
    'services',
    'storage',
    'workers',
  ])
})
