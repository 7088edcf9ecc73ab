import pg from 'pg'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { adminQuery, backend } from '../helpers/database.js'
import { accessToken, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { registerEnterprise, sharedDatabase, startGateway, tokenFor } from '../helpers/process.js'
import { auditVerifies, integrity, report, settle, startLoad } from './load.js'
import { postgresFaultDatabase } from './outages.js'

// The load runs as fast as the gateway answers: what is measured is the fault, not the rate
// limit, so the limit is raised out of its way.
const unlimited = { rateLimitMax: 10_000_000 }

/*
 * Writes killed in the middle of their transactions, under load, over real HTTP.
 *
 * On both databases, the gateway's own process is killed (SIGKILL) while it writes: its
 * transactions die with it, and a new process on the same database must find every
 * acknowledged write and none half-written.
 *
 * On PostgreSQL, also the server's sessions are killed under a running gateway. First deterministically: the test locks the audit log's table, so that every write
 * stops inside its transaction after storing its dispute and before appending to the log,
 * and terminates the sessions waiting there. Then at random: every session of the gateway
 * terminated every 150 ms for a while, wherever its transaction stands (commit included).
 * Nothing may be half-written (a dispute without its audit entry), nothing acknowledged
 * lost, nothing stored twice, and the gateway serves again without a restart.
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test(
  'the gateway process killed under load: a new process finds every acknowledged write and none half-written',
  async (t) => {
    const shared = await sharedDatabase(t)
    const first = await startGateway(t, shared.env)
    const token = await tokenFor(first.baseUrl, shared.credentials)
    const company = await registerEnterprise(first.baseUrl, token, '北京爱看视频科技有限公司')
    const tag = `process-killed-${backend}`
    const load = startLoad(first.baseUrl, token, company.id, tag)
    await pause(1500)
    first.child.kill('SIGKILL')
    await first.exited
    await pause(200)
    const sent = await load.stop()

    const second = await startGateway(t, shared.env)
    const accounts = await settle(
      shared.database,
      second.baseUrl,
      token,
      company.id,
      tag,
      sent,
      'database_unavailable',
      {
        processKilled: true,
      },
    )
    const audit = await auditVerifies(shared.database, second.baseUrl, token)
    const sound = backend === 'sqlite' ? await integrity(shared.database) : 'ok'
    console.error(
      report(
        `${backend}: the gateway's process killed (SIGKILL) mid-write`,
        accounts,
        `${backend === 'sqlite' ? `integrity_check ${sound}; ` : ''}audit ${audit.verified}/${audit.entries} entries verified`,
      ),
    )
    t.ok(accounts.acknowledged > 0, `writes were acknowledged before the kill (${accounts.acknowledged})`)
    t.same(accounts.unexpected, [], 'every answer was a success')
    t.equal(accounts.lost, 0, 'no acknowledged write is lost')
    t.equal(accounts.duplicated, 0, 'no write is stored twice')
    t.ok(audit.ok, 'the audit log verifies')
    t.equal(audit.created, audit.disputes, 'no dispute is stored without its audit entry')
    t.equal(sound, 'ok', 'the database file is sound')
  },
)

// Sessions are PostgreSQL's: an embedded SQLite has none to kill but its process's, above.
if (backend === 'postgres')
  t.test(
    'PostgreSQL sessions killed mid-transaction under load: 503, nothing half-written, nothing acknowledged lost',
    async (t) => {
      const { database, name, url } = await postgresFaultDatabase(t)
      const { app } = await testApp(t, { database, config: unlimited })
      const base = await app.listen({ port: 0, host: '127.0.0.1' })
      const token = await accessToken(app, await regulatorCredentials(database))
      const company = await enrolEnterprise(app, token, '北京爱看视频科技有限公司')
      const tag = 'killed-mid-transaction'
      const sessions = `select pid from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`

      const load = startLoad(base, token, company.id, tag)
      await pause(500)

      // Hold every write inside its transaction, then kill the sessions waiting there.
      const locker = new pg.Client({ connectionString: url })
      await locker.connect()
      await locker.query('begin')
      await locker.query('lock table audit_entries in access exclusive mode')
      let waiting: number[] = []
      for (let attempt = 0; attempt < 50 && waiting.length < 3; attempt++) {
        await pause(100)
        const { rows } = await locker.query<{ pid: number }>(
          `select distinct pid from pg_locks where not granted and pid <> pg_backend_pid()
           and database = (select oid from pg_database where datname = $1)`,
          [name],
        )
        waiting = rows.map((row) => row.pid)
      }
      for (const pid of waiting) await locker.query('select pg_terminate_backend($1)', [pid])
      await locker.query('rollback')
      await locker.end()

      // Then kill whatever the gateway has open, wherever its transactions stand.
      let killed = waiting.length
      const until = Date.now() + 1500
      while (Date.now() < until) {
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        const { rowCount } = await client.query(`select pg_terminate_backend(pid) from (${sessions}) s`)
        killed += rowCount ?? 0
        await client.end()
        await pause(150)
      }
      await pause(800)
      const sent = await load.stop()
      const accounts = await settle(database, base, token, company.id, tag, sent, 'database_unavailable')
      const audit = await auditVerifies(database, base, token)
      console.error(
        report(
          'postgres sessions killed mid-transaction',
          accounts,
          `${waiting.length} sessions killed waiting inside their transaction, ${killed} in all; audit ${audit.verified}/${audit.entries} entries verified`,
        ),
      )
      // The database the test made goes when the test ends; make sure nothing holds it open.
      t.teardown(() =>
        adminQuery(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`),
      )

      t.ok(waiting.length >= 1, `writes were caught inside their transactions (${waiting.length})`)
      t.ok(accounts.refused > 0, `the killed requests answered 503 (${accounts.refused})`)
      t.same(
        accounts.unexpected,
        [],
        'every answer was a success or a 503 database_unavailable with retry-after',
      )
      t.equal(accounts.lost, 0, 'no acknowledged write is lost')
      t.equal(accounts.duplicated, 0, 'no write is stored twice')
      t.ok(audit.ok, 'the audit log verifies')
      t.equal(audit.created, audit.disputes, 'no dispute is stored without its audit entry')
    },
  )
