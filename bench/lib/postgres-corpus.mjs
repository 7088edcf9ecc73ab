// A cached dispute corpus (lib/dispute-corpus.mjs, a SQLite file) copied into PostgreSQL, so
// that both backends are measured on the same rows. The copy is kept between runs as a
// database of its own, named after the corpus file; a copy of an older corpus is dropped.
import { basename } from 'node:path'
import { serverUrl } from './postgres.mjs'

/** The tables a corpus holds, parents first (foreign keys). */
const tables = [
  'jurisdictions',
  'jurisdiction_closure',
  'enterprises',
  'api_clients',
  'disputes',
  'audit_entries',
  'audit_nodes',
  'timeline_entries',
]
const ROWS_PER_INSERT = 1_000

function databaseName(sqlitePath) {
  return `hejie_bench_${basename(sqlitePath, '.db').replaceAll('-', '_')}`
}

/**
 * The PostgreSQL copy of the corpus at `sqlitePath`: its URL, made now unless a complete copy
 * is there. The gateway's own migrations make the schema; the rows are copied as they are.
 */
export async function postgresCorpus(sqlitePath, log = () => {}) {
  const [{ default: pg }, { default: SQLite }, gateway] = await Promise.all([
    import('pg'),
    import('better-sqlite3'),
    import('@hejie/gateway'),
  ])
  const name = databaseName(sqlitePath)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    const { rows } = await admin.query(
      "select datname from pg_database where datname like 'hejie_bench_disputes_%'",
    )
    for (const { datname } of rows) {
      if (datname === name) {
        const copy = new pg.Client({ connectionString: url.href })
        await copy.connect()
        const complete = await copy
          .query("select 1 from pg_tables where tablename = 'bench_copy_complete'")
          .finally(() => copy.end())
        if (complete.rowCount === 1) {
          log(`using the PostgreSQL copy ${name}`)
          return url.href
        }
      }
      await admin.query(`drop database if exists ${datname} with (force)`)
    }
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }

  log(`copying the corpus into PostgreSQL (${name}, cached for later runs)`)
  const begin = performance.now()
  const database = gateway.openDatabase({ sqlitePath: ':memory:', databaseUrl: url.href })
  await gateway.migrateToLatest(database)
  await database.close()
  const source = new SQLite(sqlitePath, { readonly: true })
  const client = new pg.Client({ connectionString: url.href })
  await client.connect()
  try {
    await client.query('begin')
    // The migrations made a root jurisdiction of their own: the corpus brings its own.
    for (const table of [...tables].reverse()) await client.query(`delete from ${table}`)
    for (const table of tables) {
      const columns = source
        .prepare(`select name from pragma_table_info('${table}')`)
        .all()
        .map((c) => c.name)
      const select = source.prepare(`select ${columns.join(', ')} from ${table}`).raw(true)
      let batch = []
      let copied = 0
      const flush = async () => {
        if (batch.length === 0) return
        const values = batch
          .map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
          .join(', ')
        await client.query(`insert into ${table} (${columns.join(', ')}) values ${values}`, batch.flat())
        copied += batch.length
        batch = []
        if (copied % 100_000 === 0) log(`  ${table}: ${copied.toLocaleString('en-US')} rows`)
      }
      for (const row of select.iterate()) {
        batch.push(row)
        if (batch.length === ROWS_PER_INSERT) await flush()
      }
      await flush()
    }
    await client.query('create table bench_copy_complete (at text)')
    await client.query('commit')
    await client.query('vacuum analyze')
  } finally {
    await client.end()
    source.close()
  }
  log(`copied in ${((performance.now() - begin) / 1000).toFixed(1)} s`)
  return url.href
}
