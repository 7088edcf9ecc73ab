// The audit log benchmarks' parts that run in processes of their own (lib/service.mjs): the
// gateway's append path, the raw-insert floor, a million-entry log kept in bench/.cache/,
// and the proof service.
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const cacheDirectory = fileURLToPath(new URL('../.cache/', import.meta.url))

const gatewayPackage = new URL('../../packages/gateway/package.json', import.meta.url)
const gatewayDist = new URL('../../packages/gateway/dist/', import.meta.url)

/** The built `@hejie/merkle` the gateway runs on: the tree's arithmetic and its hashing. */
function merkleDist() {
  const entry = pathToFileURL(createRequire(gatewayPackage).resolve('@hejie/merkle'))
  const directory = new URL('./', entry)
  return readdirSync(directory)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => new URL(file, directory))
}

/**
 * What a cached log depends on: the built code that writes and hashes it (the append, the
 * canonical JSON of an entry, the Merkle tree and its leaf hash, group commit, schema and
 * migrations, the dispute timeline's projection) and this file. These files are read,
 * not imported: a change to any of them builds a new log.
 */
export function codeKey() {
  const files = [
    new URL('services/audit/append.js', gatewayDist),
    new URL('services/audit/merkle.js', gatewayDist),
    new URL('services/disputes/timeline-write.js', gatewayDist),
    new URL('domain/canonical-json.js', gatewayDist),
    ...merkleDist(),
    new URL('storage/group-commit.js', gatewayDist),
    new URL('storage/migrations/0001-write-path.js', gatewayDist),
    new URL('storage/migrations/0003-disputes.js', gatewayDist),
    new URL('storage/migrations/index.js', gatewayDist),
    new URL('./audit-log.mjs', import.meta.url),
  ]
  const hash = createHash('sha256')
  for (const file of files) hash.update(readFileSync(file))
  return hash.digest('hex').slice(0, 12)
}

/** The cached log of `entries` entries for this code, and the export made from it. */
export function cachedLogPaths(entries) {
  const stem = join(cacheDirectory, `audit-${entries}-${codeKey()}`)
  return { database: `${stem}.db`, export: `${stem}.ndjson` }
}

/** An enterprise's CRM recording a contact: the entry most writes append, in `jurisdictionId`. */
function contactRecord(i, jurisdictionId) {
  const disputeId = `dsp_bench${String(i % 5_000).padStart(8, '0')}`
  return {
    action: 'contact.recorded',
    objectId: `ctc_bench${String(i).padStart(10, '0')}`,
    disputeId,
    enterpriseId: 'ent_bench0001',
    jurisdictionId,
    state: {
      id: `ctc_bench${String(i).padStart(10, '0')}`,
      object: 'contact',
      dispute_id: disputeId,
      channel: 'phone',
      contacted_at: '2026-11-28T03:05:00.000Z',
      reached: true,
      summary: 'Consumer reached; call back tomorrow with the refund amount.',
      created_at: '2026-11-28T03:05:01.000Z',
    },
    details: { channel: 'phone', reached: true, contacted_at: '2026-11-28T03:05:00.000Z' },
  }
}

const actor = { role: 'enterprise', clientId: 'cli_bench0001', enterpriseId: 'ent_bench0001' }

/**
 * The gateway's append path on a SQLite file, as the write path runs it: each write is a job
 * of group commit (`transaction()`, its own savepoint, acknowledged after the batch's one
 * durable commit) that reads the next free index, appends one entry with
 * `appendAuditEntries` (canonical JSON, leaf hash, the entry row and the Merkle nodes it
 * completes) and stores the entry's timeline row. `writers` writes are kept in flight, as
 * concurrent requests would.
 */
export async function startAuditAppender({ path }) {
  const gateway = await import('@hejie/gateway')
  await mkdir(join(path, '..'), { recursive: true })
  const database = gateway.openDatabase({ sqlitePath: path })
  await gateway.migrateToLatest(database)
  // Every entry in the root jurisdiction the migrator made: a city bureau's whole log.
  const root = await database.db
    .selectFrom('jurisdictions')
    .select('id')
    .where('parent_id', 'is', null)
    .executeTakeFirstOrThrow()
  let written = 0
  const nextIndex = async (trx) => {
    const row = await trx
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.max('leaf_index').as('last'))
      .executeTakeFirst()
    return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1
  }
  const appendOne = () =>
    gateway.transaction(database, async (trx) => {
      const index = await nextIndex(trx)
      const at = new Date().toISOString()
      const target = { db: trx, dialect: database.dialect }
      const appended = await gateway.appendAuditEntries(
        target,
        [contactRecord(index, root.id)],
        { actor, requestId: `req_${randomUUID()}`, at },
        index,
      )
      await gateway.recordTimeline(target, appended)
    })
  return {
    /** Appends `count` entries, `writers` at a time; resolves to the seconds it took and the size. */
    async append(count, writers) {
      const from = await nextIndex(database.db)
      const begin = performance.now()
      let issued = 0
      const lane = async () => {
        while (issued < count) {
          issued += 1
          await appendOne()
        }
      }
      await Promise.all(Array.from({ length: Math.min(writers, count) }, lane))
      written += count
      const seconds = (performance.now() - begin) / 1000
      const size = await nextIndex(database.db)
      return { seconds, from, size, written }
    },
    close: () => database.close(),
  }
}

/**
 * The floor: the same rows (entries, timeline, Merkle nodes), byte for byte as the append
 * path above wrote them into `sourcePath`, inserted with prepared statements by
 * better-sqlite3 in transactions of `batch` entries, on the same schema, WAL and
 * synchronous=FULL. No hashing, no JSON, no query builder, no reads.
 */
export async function startRawAppender({ path, sourcePath }) {
  const [{ default: SQLite }, gateway] = await Promise.all([
    import('better-sqlite3'),
    import('@hejie/gateway'),
  ])
  await mkdir(join(path, '..'), { recursive: true })
  const migrated = gateway.openDatabase({ sqlitePath: path })
  await gateway.migrateToLatest(migrated)
  await migrated.close()
  const db = new SQLite(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  const source = new SQLite(sourcePath, { readonly: true })
  const readEntries = source.prepare(
    'select * from audit_entries where leaf_index >= ? and leaf_index < ? order by leaf_index',
  )
  const readTimeline = source.prepare(
    'select * from timeline_entries where leaf_index >= ? and leaf_index < ? order by leaf_index',
  )
  const readNodes = source.prepare(
    'select * from audit_nodes where level = 0 and position >= ? and position < ? union all ' +
      'select n.* from audit_nodes n where level > 0 and position * (1 << level) + (1 << level) - 1 >= ? ' +
      'and position * (1 << level) + (1 << level) - 1 < ?',
  )
  const insertEntry = db.prepare(
    'insert into audit_entries (leaf_index, leaf_hash, canonical, dispute_id, enterprise_id, jurisdiction_id, created_at) values (?, ?, ?, ?, ?, ?, ?)',
  )
  const insertTimeline = db.prepare(
    'insert into timeline_entries (leaf_index, dispute_id, action, actor, at, object_id, details) values (?, ?, ?, ?, ?, ?, ?)',
  )
  const insertNode = db.prepare('insert into audit_nodes (level, position, hash) values (?, ?, ?)')
  return {
    /** Inserts the source's entries [from, from + count), `batch` per commit; resolves to the seconds. */
    append(from, count, batch) {
      const end = from + count
      const entries = readEntries.all(from, end)
      const timeline = readTimeline.all(from, end)
      const nodes = readNodes.all(from, end, from, end)
      if (entries.length !== count)
        throw new Error(`the source has ${entries.length} entries from ${from}, not ${count}`)
      // Nodes go with the entry that completes them: the leaf at the subtree's last position.
      const nodesByLeaf = new Map()
      for (const node of nodes) {
        const last = node.position * 2 ** node.level + 2 ** node.level - 1
        const list = nodesByLeaf.get(last) ?? []
        list.push(node)
        nodesByLeaf.set(last, list)
      }
      const timelineByLeaf = new Map(timeline.map((row) => [row.leaf_index, row]))
      const commit = db.transaction((rows) => {
        for (const e of rows) {
          insertEntry.run(
            e.leaf_index,
            e.leaf_hash,
            e.canonical,
            e.dispute_id,
            e.enterprise_id,
            e.jurisdiction_id,
            e.created_at,
          )
          const t = timelineByLeaf.get(e.leaf_index)
          if (t)
            insertTimeline.run(t.leaf_index, t.dispute_id, t.action, t.actor, t.at, t.object_id, t.details)
          for (const n of nodesByLeaf.get(e.leaf_index) ?? []) insertNode.run(n.level, n.position, n.hash)
        }
      })
      const begin = performance.now()
      for (let i = 0; i < entries.length; i += batch) commit(entries.slice(i, i + batch))
      return {
        seconds: (performance.now() - begin) / 1000,
        rows: entries.length + timeline.length + nodes.length,
      }
    },
    close() {
      source.close()
      db.close()
    },
  }
}

/**
 * Builds the log of `entries` entries through the append path into the cache, unless it is
 * there already for this code. Written under a temporary name and renamed when complete, so
 * an interrupted build is never mistaken for a log.
 */
export async function buildCachedLog({ entries, writers, chunk = 50_000 }, log = () => {}) {
  const paths = cachedLogPaths(entries)
  if (existsSync(paths.database)) return { ...paths, built: false }
  await mkdir(cacheDirectory, { recursive: true })
  // Logs of this size built by other code are stale: a gigabyte each at a million entries.
  for (const file of readdirSync(cacheDirectory)) {
    if (file.startsWith(`audit-${entries}-`)) rmSync(join(cacheDirectory, file), { force: true })
  }
  const partial = `${paths.database}.partial`
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true })
  const appender = await startAuditAppender({ path: partial })
  let seconds = 0
  try {
    for (let done = 0; done < entries; done += chunk) {
      const count = Math.min(chunk, entries - done)
      const step = await appender.append(count, writers)
      seconds += step.seconds
      log({ size: step.size, perSecond: count / step.seconds })
    }
  } finally {
    await appender.close()
  }
  // Closing checkpointed the WAL into the file: the database is one file now.
  renameSync(partial, paths.database)
  return { ...paths, built: true, seconds, perSecond: entries / seconds }
}

/** Builds the cached log (see `buildCachedLog`) in a process of its own, reporting progress. */
export async function startLogBuilder() {
  return {
    build: (args) =>
      buildCachedLog(args, ({ size, perSecond }) =>
        console.log(`  audit log at ${size.toLocaleString('en-US')} entries (${Math.round(perSecond)}/s)`),
      ),
  }
}

/** A regulator of the root jurisdiction (the city bureau, who reads every entry), as the proof service sees one. */
const rootRegulator = (jurisdictionId) => ({
  role: 'regulator',
  clientId: 'cli_bench',
  enterpriseId: null,
  jurisdictionId,
  scopes: new Set(['audit:read']),
})

/**
 * The gateway's proof service function (`proveInclusion`, what the route calls) on a log:
 * times each proof alone, from the call to its answer, nodes read afresh for every proof as
 * a request would.
 */
export async function startProofService({ sqlitePath }) {
  const { openDatabase, proveInclusion } = await import('@hejie/gateway')
  const database = openDatabase({ sqlitePath })
  const root = await database.db
    .selectFrom('jurisdictions')
    .select('id')
    .where('parent_id', 'is', null)
    .executeTakeFirstOrThrow()
  const regulator = rootRegulator(root.id)
  return {
    /** Milliseconds per proof, in the order of `leaves`. */
    async time(leaves, size) {
      const millis = []
      for (const leaf of leaves) {
        const begin = performance.now()
        const proof = await proveInclusion(database, regulator, leaf, size)
        millis.push(performance.now() - begin)
        if (proof.hashes.length === 0 && size > 1) throw new Error(`an empty proof for leaf ${leaf}`)
      }
      return millis
    },
    close: () => database.close(),
  }
}

/** The real gateway (lib/gateway.mjs) serving a log, with a regulator's access token in `info`. */
export async function startProofGateway({ sqlitePath }) {
  const { startGateway } = await import('./gateway.mjs')
  const gateway = await startGateway({
    sqlitePath,
    async seed(app, database) {
      const { createClient, operator } = await import('@hejie/gateway')
      const { body: client } = await createClient(
        database,
        { actor: operator, requestId: 'bench' },
        { name: 'bench auditor', role: 'regulator', enterpriseId: null },
      )
      const token = await app.inject({
        method: 'POST',
        url: '/v1/oauth/token',
        payload: {
          grant_type: 'client_credentials',
          client_id: client.client_id,
          client_secret: client.client_secret,
        },
      })
      return { token: token.json().access_token }
    },
  })
  return { ...gateway, info: { ...gateway.info, port: gateway.port } }
}
