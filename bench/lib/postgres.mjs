import { randomBytes } from 'node:crypto'

/**
 * The PostgreSQL server the PostgreSQL benchmarks run on: `HEJIE_BENCH_PG_URL`, or the local
 * server as the test suite finds it. Each run gets a database of its own, dropped at the end.
 */
export const serverUrl = process.env.HEJIE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export async function freshPostgresDatabase() {
  const { default: pg } = await import('pg')
  const name = `hejie_bench_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      try {
        await client.query(`drop database if exists ${name} with (force)`)
      } finally {
        await client.end()
      }
    },
  }
}
