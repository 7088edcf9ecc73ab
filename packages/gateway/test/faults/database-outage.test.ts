import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { accessToken, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { auditVerifies, integrity, report, settle, startLoad } from './load.js'
import { outage } from './outages.js'

// The load runs as fast as the gateway answers: what is measured is the fault, not the rate
// limit, so the limit is raised out of its way.
const unlimited = { rateLimitMax: 10_000_000 }

/*
 * The database goes out of reach under load and comes back, over real HTTP on a real
 * socket: connections refused and open ones terminated on PostgreSQL, the file locked by
 * another process on SQLite. Every request that needs the database meanwhile answers 503
 * `database_unavailable` with `retry-after` (the token endpoint `temporarily_unavailable`),
 * nothing acknowledged is lost, a retry with the same Idempotency-Key creates nothing twice,
 * and the gateway serves again without a restart.
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test(
  'the database out of reach under load: 503 with retry-after, no acknowledged write lost, recovery without a restart',
  async (t) => {
    const fault = await outage(t)
    const { app, database } = await testApp(t, { database: fault.database, config: unlimited })
    const base = await app.listen({ port: 0, host: '127.0.0.1' })
    const credentials = await regulatorCredentials(database)
    const token = await accessToken(app, credentials)
    const company = await enrolEnterprise(app, token, '北京爱看视频科技有限公司')
    const tag = `outage-${backend}`

    const load = startLoad(base, token, company.id, tag)
    await pause(700)
    await fault.cut()
    await pause(300)
    const readyz = await fetch(new URL('/readyz', base))
    const tokenAnswer = await fetch(new URL('/v1/oauth/token', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }),
    })
    await pause(1500)
    await fault.restore()
    const restoredAt = Date.now()
    let recoveredAfter = -1
    for (let attempt = 0; attempt < 100; attempt++) {
      const ready = await fetch(new URL('/readyz', base))
      if (ready.status === 200) {
        recoveredAfter = Date.now() - restoredAt
        break
      }
      await pause(100)
    }
    await pause(700)
    const sent = await load.stop()
    const accounts = await settle(database, base, token, company.id, tag, sent, 'database_unavailable')
    const audit = await auditVerifies(database, base, token)
    const sound = backend === 'sqlite' ? await integrity(database) : 'ok'
    console.error(
      report(
        `${backend} unreachable (${backend === 'postgres' ? 'connections refused, sessions terminated' : 'file locked by another process'})`,
        accounts,
        `audit ${audit.verified}/${audit.entries} entries verified; serving again ${recoveredAfter} ms after the database came back`,
      ),
    )

    if (fault.readsFail) {
      t.equal(readyz.status, 503, '/readyz answers 503 while the database is out of reach')
      t.equal(((await readyz.json()) as { code: string }).code, 'database_unavailable')
      t.ok(readyz.headers.get('retry-after'), 'with retry-after')
      t.equal(tokenAnswer.status, 503, 'the token endpoint answers 503')
      t.match(
        await tokenAnswer.json(),
        { error: 'temporarily_unavailable', error_description: String },
        'in the shape of RFC 6749',
      )
      t.ok(tokenAnswer.headers.get('retry-after'), 'with retry-after')
    } else {
      t.equal(readyz.status, 200, '/readyz, a read, is answered while only writes are locked out')
      t.equal(tokenAnswer.status, 200, 'so is the token endpoint')
    }

    t.ok(accounts.refused > 0, `requests during the outage were refused with 503 (${accounts.refused})`)
    t.same(
      accounts.unexpected,
      [],
      'every answer was a success or a 503 database_unavailable with retry-after',
    )
    t.ok(recoveredAfter >= 0, `the gateway serves again by itself (${recoveredAfter} ms)`)
    t.equal(accounts.lost, 0, 'no acknowledged write is lost')
    t.equal(accounts.duplicated, 0, 'no write is stored twice')
    t.equal(audit.status, 200)
    t.ok(audit.ok, 'the audit log verifies')
    t.equal(audit.created, audit.disputes, 'every dispute has its one creation in the log, and no more')
    t.equal(sound, 'ok', 'the database file is sound')
  },
)
