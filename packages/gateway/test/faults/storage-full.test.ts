import { sql } from 'kysely'
import t from 'tap'
import type { Database } from '../../src/storage/database.js'
import { testApp } from '../helpers/app.js'
import { backend, freshDatabase } from '../helpers/database.js'
import { accessToken, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { auditVerifies, integrity, report, settle, startLoad } from './load.js'

// The load runs as fast as the gateway answers: what is measured is the fault, not the rate
// limit, so the limit is raised out of its way.
const unlimited = { rateLimitMax: 10_000_000 }

/*
 * The database out of space under load, over real HTTP. SQLite: its size limit
 * (`PRAGMA max_page_count`) is set to the pages it already has, as a full disk would leave
 * it. PostgreSQL: the server fails every append to the audit log, in the middle of each
 * write's transaction, with the error a full disk gives (SQLSTATE 53100 disk_full), raised
 * by a trigger. Writes answer 503 `storage_full` with `retry-after` and leave nothing
 * half-written; reads go on; once there is room again, the gateway writes again without a
 * restart, and the file and the audit log are sound.
 */

/** Fills the database, and frees it again. */
async function diskFull(database: Database) {
  if (database.dialect === 'sqlite') {
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(database.db)
    const pages = Number(rows[0]?.page_count)
    return {
      name: `sqlite out of space (max_page_count held at ${pages} pages)`,
      fill: () => sql.raw(`pragma max_page_count = ${pages}`).execute(database.db),
      free: () => sql.raw('pragma max_page_count = 1073741823').execute(database.db),
    }
  }
  await sql
    .raw(
      `create function fault_disk_full() returns trigger language plpgsql as $$
         begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$`,
    )
    .execute(database.db)
  return {
    name: 'postgres out of space (53100 disk_full on every append to the audit log)',
    fill: () =>
      sql
        .raw(
          'create trigger fault_disk_full before insert on audit_entries for each row execute function fault_disk_full()',
        )
        .execute(database.db),
    free: () => sql.raw('drop trigger fault_disk_full on audit_entries').execute(database.db),
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test(
  'the database out of space under load: 503 storage_full, nothing half-written, the file and the audit log sound',
  async (t) => {
    const database = await freshDatabase(t)
    const { app } = await testApp(t, { database, config: unlimited })
    const base = await app.listen({ port: 0, host: '127.0.0.1' })
    const token = await accessToken(app, await regulatorCredentials(database))
    const company = await enrolEnterprise(app, token, '北京爱看视频科技有限公司')
    const tag = 'out-of-space'

    const load = startLoad(base, token, company.id, tag)
    await pause(500)
    const fault = await diskFull(database)
    await fault.fill()
    await pause(1500)
    const during = await fetch(new URL('/v1/disputes?limit=1', base), {
      headers: { authorization: `Bearer ${token}` },
    })
    await fault.free()
    await pause(700)
    const sent = await load.stop()

    const accounts = await settle(database, base, token, company.id, tag, sent, 'storage_full')
    const audit = await auditVerifies(database, base, token)
    const sound = backend === 'sqlite' ? await integrity(database) : 'ok'
    console.error(
      report(
        fault.name,
        accounts,
        `${backend === 'sqlite' ? `integrity_check ${sound}; ` : ''}audit ${audit.verified}/${audit.entries} entries verified`,
      ),
    )

    t.equal(during.status, 200, 'reads are answered while the database is full')
    t.ok(accounts.refused > 0, `writes were refused with 503 (${accounts.refused})`)
    t.same(accounts.unexpected, [], 'every answer was a success or a 503 storage_full with retry-after')
    t.equal(accounts.lost, 0, 'no acknowledged write is lost')
    t.equal(accounts.duplicated, 0, 'no write is stored twice')
    t.equal(sound, 'ok', 'PRAGMA integrity_check finds the file sound')
    t.ok(audit.ok, 'the audit log verifies')
    t.equal(audit.created, audit.disputes, 'no dispute is stored without its audit entry')
  },
)
